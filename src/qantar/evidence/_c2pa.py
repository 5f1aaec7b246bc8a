"""C2PA manifests (EI-13): the embedded manifest store read and validated at ingest.

Read with the Content Authenticity Initiative's own library (``c2pa-python``, bindings of
c2pa-rs). Its validation state is one of ``Invalid`` (a hash, signature or structure
check failed), ``Valid`` (intact and signed, but the signer is not on a configured trust
list) or ``Trusted``. No trust list is configured here, so an intact manifest reads as
``Valid``; the signer's certificate subject is recorded for the analyst to judge.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Expected while no trust list is configured; recorded, not counted as a failure.
_UNTRUSTED = "signingCredential.untrusted"


def check(path: Path, media_type: str) -> dict[str, Any] | None:
    try:
        import c2pa
    except ImportError:
        return None
    if media_type not in c2pa.Reader.get_supported_mime_types():
        return None
    # The archive works offline: no fetching of remote manifests or OCSP answers.
    offline = c2pa.Context.from_dict(
        {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
    )
    try:
        with path.open("rb") as stream:
            reader = c2pa.Reader.try_create(media_type, stream, context=offline)
            if reader is None:
                return None
            with reader:
                state = reader.get_validation_state() or "Invalid"
                store = json.loads(reader.json())
                results = reader.get_validation_results() or {}
    except (c2pa.C2paError, OSError, ValueError) as exc:
        return {"format": "c2pa", "ok": False, "problems": [f"unreadable manifest: {exc}"]}
    finally:
        offline.close()
    failures = (results.get("activeManifest") or {}).get("failure") or []
    problems = [
        f"{f.get('code')}: {f.get('explanation', '')}".rstrip(": ")
        for f in failures
        if f.get("code") != _UNTRUSTED
    ]
    if state == "Invalid" and not problems:
        problems.append("manifest store invalid (no failure code given)")
    active = store.get("manifests", {}).get(store.get("active_manifest") or "", {})
    return {
        "format": "c2pa",
        "ok": state in ("Valid", "Trusted") and not problems,
        "validation_state": state,
        "trusted": state == "Trusted",
        "manifest": store.get("active_manifest"),
        "manifests": len(store.get("manifests", {})),
        "title": active.get("title"),
        "claim_generator": [
            {k: g.get(k) for k in ("name", "version")}
            for g in active.get("claim_generator_info") or []
        ],
        "signer": {
            k: (active.get("signature_info") or {}).get(k)
            for k in ("common_name", "issuer", "alg", "cert_serial_number", "time")
        },
        "actions": _actions(active),
        "problems": problems,
    }


def _actions(manifest: dict[str, Any]) -> list[str]:
    """What the manifest says was done (created, edited ...), in order."""
    names: list[str] = []
    for assertion in manifest.get("assertions") or []:
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            for action in (assertion.get("data") or {}).get("actions") or []:
                names.append(str(action.get("action")))
    return names
