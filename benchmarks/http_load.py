"""A lean HTTP/1.1 load generator: keep-alive connections in one event loop,
each sending its next POST as soon as the last is answered (a closed loop).

Why not httpx's client on threads, which the recording benchmark used before:
it cost 290-440 µs of CPU a request (its HTTP parsing is Python, and eight
threads took turns at the interpreter's lock), as much as the hello-world
server it measured, on the same two cores. The baseline was then the client's
speed, not the server's: the hello-world's rate swung between 1,600 and 3,100/s
from one slice to the next with the threads' contention. This one costs
35-50 µs a request, so the servers measured are what limits the rate.

Every answer is read whole (``Content-Length`` framing) and its status checked;
any other status fails the run with the body that came back.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

Request = tuple[str, bytes]
"""A request's path and its JSON body."""
Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class UnexpectedAnswer(RuntimeError):
    pass


@dataclass
class Load:
    """What the connections did, for the caller to read after ``run``."""

    answered: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0


def post_loop(
    url: str,
    headers: dict[str, str],
    connections: int,
    requests_each: int,
    budget: float,
    request: Callable[[int, int], Request],
    expected_status: int = 201,
) -> Load:
    """``connections`` connections each POST up to ``requests_each`` requests,
    ``request(connection, n)`` giving the n-th; each stops once ``budget``
    seconds have passed. Connections are opened before the clock starts."""
    parts = urlsplit(url)
    host, port = parts.hostname or "localhost", parts.port or 80
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    head = f"Host: {host}:{port}\r\nUser-Agent: http-load\r\nAccept: */*\r\n{head}"
    load = Load()

    async def connection(stream: Stream, number: int, deadline: float) -> None:
        reader, writer = stream
        for n in range(requests_each):
            if time.perf_counter() > deadline:
                return
            path, body = request(number, n)
            sent = time.perf_counter()
            writer.write(
                f"POST {path} HTTP/1.1\r\n{head}Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            status, answer = await _answer(reader)
            load.latencies_ms.append((time.perf_counter() - sent) * 1000)
            if status != expected_status:
                raise UnexpectedAnswer(f"{status} for {path}: {answer.decode()}")
            load.answered += 1

    async def run() -> None:
        streams: list[Stream] = []
        try:
            for _ in range(connections):
                streams.append(await asyncio.open_connection(host, port))
            started = time.perf_counter()
            await asyncio.gather(
                *(
                    connection(stream, number, started + budget)
                    for number, stream in enumerate(streams)
                )
            )
            load.seconds = time.perf_counter() - started
        finally:
            for _, writer in streams:
                writer.close()

    asyncio.run(run())
    return load


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """The status and body of the next answer on the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    length = None
    for line in header_lines:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length is None:
        raise UnexpectedAnswer(f"an answer without Content-Length: {status_line}")
    return int(status_line.split(" ", 2)[1]), await reader.readexactly(length)
