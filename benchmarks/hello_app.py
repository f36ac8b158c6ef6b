"""The baseline for recording over HTTP: FastAPI + uvicorn with the same pydantic body.

Served by ``bench_recording.py`` with ``uvicorn hello_app:app --app-dir benchmarks``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi import FastAPI

from api.schemas.events import InformationRecordedIn

app = FastAPI()


@app.post("/v1/subjects", status_code=201)
def register(body: dict[str, str]) -> dict[str, str]:
    return body


@app.post("/v1/subjects/{code}/events", status_code=201)
def record(code: str, body: InformationRecordedIn) -> dict[str, str]:
    return {"subject": code, "type": body.type, "record_id": body.record_id}
