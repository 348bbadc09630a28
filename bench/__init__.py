"""`python main.py bench`: the app measured against the raw engines, side by side in one run."""
