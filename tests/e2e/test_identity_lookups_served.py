"""Behind a reverse proxy on the same host, ``serve`` counts keyless lookups by
identity number per client address, as the proxy's ``X-Forwarded-For`` names it
(uvicorn trusts it from 127.0.0.1 unless ``FORWARDED_ALLOW_IPS`` says otherwise)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.e2e.serving import deployed
from tests.factories import resident_id


def test_each_forwarded_address_has_its_own_limit_and_is_logged_once(
    tmp_path: Path,
) -> None:
    with deployed(
        tmp_path, public_id_lookups_per_hour="1", public_id_lookup_burst="2"
    ) as served:

        def look_up(serial: int, client: str) -> httpx.Response:
            return httpx.get(
                f"{served.url}/v1/subjects",
                params={"q": resident_id(serial)},
                headers={"X-Forwarded-For": f"198.51.100.9, {client}"},
                timeout=10,
            )

        first = [look_up(n, "203.0.113.5").status_code for n in range(3)]
        again = look_up(3, "203.0.113.5").status_code
        other = look_up(4, "203.0.113.6").status_code
        keyed = httpx.get(
            f"{served.url}/v1/subjects",
            params={"q": resident_id(5)},
            headers=served.headers | {"X-Forwarded-For": "203.0.113.5"},
            timeout=10,
        ).status_code
        served.server.terminate()
        served.server.wait(timeout=30)
        log = served.log.read_text()

    assert first == [200, 200, 429]
    assert (again, other, keyed) == (429, 200, 200)
    warned = [line for line in log.splitlines() if "identity number" in line]
    assert len(warned) == 1
    assert "203.0.113.5" in warned[0]
    assert resident_id(2) not in log and resident_id(3) not in log
