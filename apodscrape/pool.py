"""The parse of a long crawl, and the writing of its day files, in a worker process, so
that the crawl's event loop (one core) only downloads while the other core parses and
writes, and the crawl's process has no thread to share its GIL with.

parse_page and parse_listing are pure (bytes and an address in, Days or an ApodError out),
so a worker gives exactly what the crawl's own process would: results and exceptions come
back pickled (an exception that cannot be, a bug's, as a RuntimeError that names it, so that
it fails its own call and no other). A day's file is only staged there (archive.stage: its
bytes synced under a temporary name), and put in place by the crawl's process. A worker
that dies costs no day: what it was given, and every later call, is done in the crawl's
process instead.

Each worker is a process of its own at the end of a socket that the crawl's event loop reads
and writes itself, without threads: a concurrent.futures process pool hands every call
through two threads of the crawl's process, which cost the event loop about 1 ms a call.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import pickle
import select
import signal
import socket
import struct
import threading
from collections.abc import Callable
from typing import Any, TypeVar

Result = TypeVar("Result")
# a call on its way: the function and its arguments
_Call = tuple[Callable[..., Any], tuple[Any, ...]]
_HEADER = struct.Struct("!Q")  # each message: its length, then its pickle
_BUFFER = memoryview(bytearray(1 << 18))  # what each read of a socket lands in
logger = logging.getLogger(__name__)


class _RunHere(Exception):
    """The call is made in the crawl's process (WorkerPool.run): the pool closed before it
    was sent, or its arguments cannot be."""


class WorkerDied(_RunHere):
    """The worker a call was given to ended before answering it."""


class WorkerPool:
    """Runs functions (pure, or that only stage a file) in `workers` processes, started on
    the first call, or in this process when `workers` is 0 or a worker died.

    The calls made in one turn of the event loop go to a worker together, as one message:
    a message costs the event loop one write and one read, whatever it holds."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.started = 0  # workers started
        self.broken = False  # a worker died: every call is made in this process from then on
        self.batch: list[tuple[_Call, asyncio.Future[tuple[bool, Any]]]] = []
        self._running: list[_Worker] = []

    @property
    def in_process(self) -> bool:
        """Whether calls are made in this process (no worker, or one died)."""
        return not self.workers or self.broken

    async def run(self, function: Callable[..., Result], *args: Any) -> Result:
        """function(*args), in a worker process if there is one."""
        if self.in_process:
            return function(*args)
        loop = asyncio.get_running_loop()
        if not self._running:
            self._running = [_Worker(loop) for _ in range(self.workers)]
            self.started = self.workers
        if not self.batch:
            loop.call_soon(self._submit)
        result: asyncio.Future[tuple[bool, Any]] = loop.create_future()
        self.batch.append(((function, args), result))
        try:
            done, value = await result
        except _RunHere as reason:
            if isinstance(reason, WorkerDied) and not self.broken:
                self.broken = True
                logger.warning(
                    "a parse worker died: parsing and writing in the crawl's process from now on"
                )
            return function(*args)
        if not done:
            raise value
        return value

    def _submit(self) -> None:
        batch, self.batch = self.batch, []
        if not self._running:  # closed since these calls were made: run them here
            _fail([result for _, result in batch], _RunHere)
            return
        min(self._running, key=lambda worker: len(worker.waiting)).send(batch)

    def close(self) -> None:
        """Stop the workers once they have answered what they were given (waiting for them,
        so that none outlives the crawl); later calls run in this process."""
        self.workers = 0
        running, self._running = self._running, []
        for worker in running:
            worker.close()


class _Worker:
    """One worker process, and the crawl's end of its socket, read and written by the event
    loop: each message sent is one batch of calls, each message back their outcomes."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        ours, theirs = socket.socketpair()
        # spawn, never fork: this process runs Twisted, asyncio and threads
        context = multiprocessing.get_context("spawn")
        self.process = context.Process(target=_serve, args=(theirs,), daemon=True)
        _start_ignoring_interrupts(self.process)
        theirs.close()
        ours.setblocking(False)
        self.socket = ours
        self.waiting: list[list[asyncio.Future[tuple[bool, Any]]]] = []  # by batch, in order
        self.unsent = bytearray()
        self.received = bytearray()
        self.closing = False  # close() reads and writes; the loop no longer does
        loop.add_reader(ours.fileno(), self._read)

    def send(self, batch: list[tuple[_Call, asyncio.Future[tuple[bool, Any]]]]) -> None:
        if self.socket.fileno() < 0:  # died since the batch was made
            _fail([result for _, result in batch], WorkerDied)
            return
        try:
            message = pickle.dumps([call for call, _ in batch], pickle.HIGHEST_PROTOCOL)
        except Exception:  # what cannot be sent is done here
            _fail([result for _, result in batch], _RunHere)
            return
        self.waiting.append([result for _, result in batch])
        self.unsent += _HEADER.pack(len(message)) + message
        self._write()

    def _write(self) -> None:
        try:
            sent = self.socket.send(self.unsent)
        except BlockingIOError:
            sent = 0
        except OSError:
            self._died()
            return
        del self.unsent[:sent]
        if self.closing:
            return
        if self.unsent:
            self.loop.add_writer(self.socket.fileno(), self._write)
        else:
            self.loop.remove_writer(self.socket.fileno())

    def _read(self) -> None:
        try:
            size = self.socket.recv_into(_BUFFER)
        except BlockingIOError:
            return
        except OSError:
            size = 0
        if not size:
            self._died()
            return
        self._received(size)

    def _received(self, size: int) -> None:
        self.received += _BUFFER[:size]
        try:
            answers = _messages(self.received)
        except Exception:  # an answer that cannot be read back: given up, as a dead worker,
            self.process.kill()  # and stopped, so that it stages no file once given up
            self._died()
            return
        for outcomes in answers:
            for result, outcome in zip(self.waiting.pop(0), outcomes, strict=True):
                if not result.cancelled():
                    result.set_result(outcome)

    def _died(self) -> None:
        self._stop_watching()
        self.socket.close()
        for results in self.waiting:
            _fail(results, WorkerDied)
        self.waiting = []

    def _stop_watching(self) -> None:
        self.closing = True
        if self.socket.fileno() >= 0:
            self.loop.remove_reader(self.socket.fileno())
            self.loop.remove_writer(self.socket.fileno())

    def close(self) -> None:
        """Take the outcomes of what the worker was given (blocking: the crawl is closing),
        then let it end."""
        self._stop_watching()
        while self.socket.fileno() >= 0 and self.waiting:
            # what is left to send goes as the answers come: each side may be waiting to
            # write until the other reads
            writing = [self.socket] if self.unsent else []
            readable, writable, _ = select.select([self.socket], writing, [])
            if writable:
                self._write()
            if readable:
                self._read()
        if self.socket.fileno() >= 0:
            self._died()  # closes its end: the worker ends
        self.process.join()


def _messages(buffer: bytearray) -> list[Any]:
    """The whole messages at the start of `buffer`, unpickled and taken out of it."""
    found = []
    while len(buffer) >= _HEADER.size:
        (length,) = _HEADER.unpack_from(buffer)
        end = _HEADER.size + length
        if len(buffer) < end:
            break
        found.append(pickle.loads(buffer[_HEADER.size : end]))
        del buffer[:end]
    return found


def _fail(results: list[asyncio.Future[tuple[bool, Any]]], why: type[_RunHere]) -> None:
    """Each call still waiting is made in the crawl's process, for this reason."""
    for result in results:
        if not result.done():
            result.set_exception(why())


def _start_ignoring_interrupts(process: multiprocessing.process.BaseProcess) -> None:
    """Start `process` with SIGINT ignored from its first instruction. Ctrl-C reaches the
    whole process group: the crawl stops cleanly and then stops its workers, which must not
    die first with a traceback of their own, even while still importing. An ignored signal
    stays ignored across exec; a Ctrl-C meanwhile waits (blocked) for the crawl's handler."""
    if threading.current_thread() is not threading.main_thread():
        process.start()  # only the main thread handles signals, or may change handlers
        return
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        process.start()
    finally:
        signal.signal(signal.SIGINT, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _serve(connection: socket.socket) -> None:
    """A worker: each batch read, its outcomes written back, until the crawl's end closes."""
    # as it started (_start_ignoring_interrupts), unless started from another thread
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    received = bytearray()
    try:
        while size := connection.recv_into(_BUFFER):
            received += _BUFFER[:size]
            for calls in _messages(received):
                message = _answer([_outcome(call) for call in calls])
                connection.sendall(_HEADER.pack(len(message)) + message)
    except Exception:  # the crawl's end is gone, or sent what cannot be read: it parses
        return  # the calls itself (the end of this socket tells it so)


def _answer(outcomes: list[tuple[bool, Any]]) -> bytes:
    """The pickle of a batch's outcomes; a result that cannot cross fails its own call."""
    try:
        return pickle.dumps(outcomes, pickle.HIGHEST_PROTOCOL)
    except Exception:
        crossing = []
        for done, value in outcomes:
            if (reason := _not_sent(value)) is not None:
                done, value = False, RuntimeError(f"{type(value).__name__}: {reason}")
            crossing.append((done, value))
        return pickle.dumps(crossing, pickle.HIGHEST_PROTOCOL)


def _outcome(call: _Call) -> tuple[bool, Any]:
    """In a worker: a call's result, or the exception it raised, or one that says the same
    where it cannot cross (the whole batch's outcomes go back as one, and an exception that
    cannot would fail every call in it)."""
    function, args = call
    try:
        return True, function(*args)
    except Exception as error:
        if _not_sent(error) is not None:
            return False, RuntimeError(f"{type(error).__name__}: {error}")
        return False, error


def _not_sent(value: object) -> Exception | None:
    """Why `value` cannot reach the crawl's process, or None: it must pickle, and be rebuilt
    from its pickle (some exceptions pickle and cannot be rebuilt, as urllib's HTTPError)."""
    try:
        pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    except Exception as error:
        return error
    return None
