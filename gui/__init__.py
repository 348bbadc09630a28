"""The Qt window: thin glue between widgets and the backend workers."""
