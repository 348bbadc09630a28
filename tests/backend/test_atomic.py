"""Atomic writes from several threads at once: each write has its own temp file, so none fails or
leaves a mixed file behind."""

from __future__ import annotations

import threading

from backend.atomic import write_text_atomic


def test_threads_writing_the_same_file_never_collide(tmp_path):
    target = tmp_path / "index" / "models.json"
    texts = [f"writer {w} " * 5000 for w in range(8)]
    errors = []

    def write_many(text: str) -> None:
        try:
            for _ in range(20):
                write_text_atomic(target, text)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write_many, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert target.read_text() in texts, "the file is one writer's whole text, never a mix"
    assert [p.name for p in target.parent.iterdir()] == ["models.json"]
