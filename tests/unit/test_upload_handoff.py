"""The hand-off of a file's chunks from the event loop to its worker thread: every chunk in
order, the reading held back while enough waits, and the ends of a form that fails."""

from __future__ import annotations

import asyncio
import threading

import anyio
import anyio.to_thread
import pytest

from clico_web.attachments.handoff import ChunkHandoff, UploadAborted

KB = 1024


def _run(handoff: ChunkHandoff, feed: list[bytes], gate: threading.Event | None = None
         ) -> tuple[list[bytes], list[bool]]:
    """Put ``feed`` while a worker thread reads it (after ``gate``, if given)."""
    taken: list[bytes] = []
    answers: list[bool] = []

    def read() -> None:
        if gate is not None:
            gate.wait()
        taken.extend(handoff.chunks())

    async def main() -> None:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(anyio.to_thread.run_sync, read)
            for chunk in feed:
                answers.append(await handoff.put(chunk))
            handoff.end()

    asyncio.run(main())
    return taken, answers


def test_every_chunk_arrives_in_order_and_uncopied() -> None:
    feed = [bytes([i]) * (40 * KB) for i in range(50)]
    taken, answers = _run(ChunkHandoff(64 * KB, 128 * KB), feed)
    assert taken == feed
    assert all(a is b for a, b in zip(taken, feed, strict=True))
    assert all(answers)


def test_a_short_file_ends_before_a_batch_gathers() -> None:
    taken, _ = _run(ChunkHandoff(64 * KB, 128 * KB), [b"tiny"])
    assert taken == [b"tiny"]


def test_the_reading_waits_while_ahead_bytes_wait() -> None:
    handoff = ChunkHandoff(16 * KB, 32 * KB)
    gate = threading.Event()
    put_before_the_thread_read: list[int] = []

    async def main() -> None:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(anyio.to_thread.run_sync, lambda: (gate.wait(),
                                                                 list(handoff.chunks())))
            count = 0
            with anyio.move_on_after(0.3):
                while True:
                    await handoff.put(b"x" * (8 * KB))
                    count += 1
            put_before_the_thread_read.append(count)
            gate.set()
            for _ in range(10):  # the thread reads now: the reading goes on
                await handoff.put(b"x" * (8 * KB))
            handoff.end()

    asyncio.run(main())
    assert put_before_the_thread_read == [3]  # 32 KiB waiting: the fourth put waits


def test_a_put_after_the_store_stopped_answers_false() -> None:
    handoff = ChunkHandoff(16 * KB, 32 * KB)

    async def main() -> list[bool]:
        answers = [await handoff.put(b"x")]
        handoff.stop()
        answers.append(await handoff.put(b"y"))
        return answers

    assert asyncio.run(main()) == [True, False]


def test_a_form_that_fails_makes_the_reading_thread_raise() -> None:
    handoff = ChunkHandoff(16 * KB, 32 * KB)

    async def main() -> None:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(anyio.to_thread.run_sync, lambda: list(handoff.chunks()))
            await handoff.put(b"x" * KB)
            handoff.abort()

    with pytest.raises(ExceptionGroup) as raised:
        asyncio.run(main())
    assert raised.group_contains(UploadAborted)


def test_ahead_must_hold_a_batch() -> None:
    with pytest.raises(ValueError):
        ChunkHandoff(64 * KB, 32 * KB)
