"""The grant's own copy of an uploaded CSV (issue 16 item 7), kept on disk once made.

Drawing the grant's row order means reading, shuffling and re-encoding the whole file on every
download; the copy depends only on the stored file and the grant, so it is kept under the
storage path (``<ckan.storage_path>/dongchang/copies/<resource id>/``), named after the grant
and the stored file's size, modification time and inode. A replaced file differs in one of
them, so its old copies are never served (and this grant's are removed when the new copy is
made).

A copy is only ever read here, for the grant named in its file name, and only after the portal's
download route has checked that grant on this request (``access/enforcement.strip_resource``):
no route serves the directory, and a revoked or expired grant never reaches this module (its
copies stay on disk, unread).
"""
from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader

_SAFE_ID = re.compile(r"^[0-9A-Za-z_-]+$")


def stored_file(resource_id: str) -> str | None:
    """Where an uploaded CSV lives in the FileStore; None for anything else."""
    resource = model.Resource.get(resource_id)
    if resource is None or resource.url_type != "upload" \
            or (resource.format or "").upper() != "CSV":
        return None
    return uploader.get_resource_uploader({"id": resource.id}).get_path(resource.id)


def _root() -> Path | None:
    storage = tk.config.get("ckan.storage_path")
    return Path(storage) / "dongchang" / "copies" if storage else None


def marked_copy(resource_id: str, request_id: str,
                make: Callable[[str], bytes | None]) -> bytes | None:
    """The grant's copy of the stored file: from disk when made for this very file, else made
    by ``make(path of the stored file)`` (None: no copy) and kept. Never raises on disk trouble:
    a copy that cannot be kept is still served."""
    source = stored_file(resource_id)
    if source is None:
        return None
    try:
        stat = os.stat(source)
    except OSError:
        return None
    root = _root()
    if root is None or not (_SAFE_ID.match(resource_id) and _SAFE_ID.match(request_id)):
        return make(source)
    folder = root / resource_id
    kept = folder / f"{request_id}-{stat.st_size}-{stat.st_mtime_ns}-{stat.st_ino}.csv"
    try:
        return kept.read_bytes()
    except OSError:
        pass
    content = make(source)
    if content is not None:
        _keep(folder, kept, content, request_id)
    return content


def _keep(folder: Path, kept: Path, content: bytes, request_id: str) -> None:
    """Write the copy atomically (another worker may be writing the same one) and remove this
    grant's copies of earlier versions of the file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, kept)
        for old in folder.glob(f"{request_id}-*.csv"):
            if old != kept:
                old.unlink(missing_ok=True)
    except OSError:
        return

