"""Hearth's OpenAI-compatible HTTP server (FastAPI + uvicorn on a thread of its own, no Qt).

create_app() builds the ASGI app on an LlmService and a SpeechQueue; ApiServer runs it. Used by
`main.py serve` (headless) and the window's Server switch (on the window's own LlmService).
"""
