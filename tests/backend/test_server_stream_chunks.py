"""What a stream sends per token, without a server: the pre-rendered chunk is exactly OpenAI's chunk,
and pieces that arrive while the event loop is busy go out together, none lost or reordered."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

from backend.server.generation import _Handoff
from backend.server.shapes import ChatShape, CompletionShape

TEXTS = ["Hello", ' "quoted" \\ back\nslash', "你好，世界", "\u0000\t", "", "data: [DONE]\n\n"]


@pytest.mark.parametrize("shape", [ChatShape("m", include_usage=True), CompletionShape("m", include_usage=False)])
def test_a_piece_event_is_one_sse_event_holding_exactly_the_piece_chunk(shape):
    for text in TEXTS:
        event = shape.piece_event(text)
        assert event.startswith(b"data: ") and event.endswith(b"\n\n") and event.count(b"\n") == 2, event
        assert json.loads(event[len(b"data: ") :]) == shape.piece_chunk(text)
    assert "你好".encode() in shape.piece_event("你好"), "non-ASCII text is sent as UTF-8, as before"


def test_pieces_that_arrive_while_the_loop_is_busy_are_taken_together_in_order():
    async def scenario():
        handoff = _Handoff(asyncio.get_running_loop(), lambda: None)
        first = asyncio.ensure_future(handoff.take())
        await asyncio.sleep(0)  # waiting: the first piece wakes it on its own
        thread = threading.Thread(target=handoff.put, args=("a",))
        thread.start()
        assert await first == "a"
        thread.join()

        def produce():
            for piece in ("b", "c", "d"):
                handoff.put(piece)
            handoff.end()

        producer = threading.Thread(target=produce)
        producer.start()
        producer.join()  # the loop was busy meanwhile: all three wait for one take
        assert await handoff.take() == "bcd"
        assert await handoff.take() is None

    asyncio.run(scenario())
