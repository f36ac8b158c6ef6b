"""Refuses oversize bodies before they are read into memory."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        too_large = answered = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                too_large = True
                raise _TooLarge
            return message

        # A body without Content-Length (chunked) is found too large only while
        # the app reads it, and FastAPI answers what its body parsing raises
        # with a 400 of its own: the 413 replaces whatever the app answers then.
        async def send_unless_refused(message: Message) -> None:
            nonlocal answered
            if too_large and not answered:
                return
            answered = True
            await send(message)

        try:
            await self.app(scope, limited_receive, send_unless_refused)
        except _TooLarge:
            if answered:
                raise
        if too_large and not answered:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413,
            "Request body too large",
            f"The body exceeds {self.max_bytes} bytes",
            "body-too-large",
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
