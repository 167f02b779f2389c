"""Admin ingest upload: a zip of a data folder, or the folder's files as multipart parts.

Same validation as `teamgraph ingest`: everything is checked before anything is written, and
errors name file, line and field. `?dry_run=1` validates only.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

from flask import Blueprint, Flask, request

from teamgraph.api.auth import ADMIN, require
from teamgraph.api.web import json_response, service
from teamgraph.errors import FieldProblem, ValidationError

bp = Blueprint("uploads", __name__, url_prefix="/api/v1")

MAX_UNPACKED = 512 * 1024 * 1024  # refuse zip bombs


def _safe_name(name: str, field: str) -> PurePosixPath:
    """A relative path to a file, without '..' (uploads must not write outside the temporary
    folder), control characters (NUL) or an empty last part ('.', 'a/.')."""
    path = PurePosixPath(name.replace("\\", "/"))
    if (not name or len(name) > 255 or any(ord(c) < 32 or ord(c) == 127 for c in name)
            or path.is_absolute() or ".." in path.parts or not path.parts or path.name in ("", ".")
            or name.replace("\\", "/").rstrip("/").split("/")[-1] in ("", ".")):
        raise ValidationError(FieldProblem(f"unsafe file name {name[:255]!r}", field=field))
    return path


def _unzip(stream, dest: Path) -> None:
    try:
        with zipfile.ZipFile(stream) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            if sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise ValidationError(FieldProblem("unpacks to more than 512 MB", field="archive"))
            for info in infos:
                target = dest / _safe_name(info.filename, "archive")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(info))
    except zipfile.BadZipFile as e:
        raise ValidationError(FieldProblem(f"not a zip archive ({e})", field="archive")) from e


def _folder_root(dest: Path) -> Path:
    """A zip of `org/` holds `org/people.csv`…: descend through a single top-level folder."""
    entries = [p for p in dest.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    return _folder_root(entries[0]) if len(entries) == 1 and entries[0].is_dir() else dest


def _relative(file: str | None, root: Path) -> str | None:
    if not file:
        return file
    try:
        return Path(file).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file


@bp.post("/ingest")
@require(*ADMIN)
def ingest():
    """Validate and load an uploaded data folder into the store, all or nothing."""
    dry_run = request.args.get("dry_run", "").lower() in ("1", "true", "yes")
    with tempfile.TemporaryDirectory(prefix="teamgraph-upload-") as tmp:
        dest = Path(tmp)
        if request.mimetype in ("application/zip", "application/x-zip-compressed"):
            _unzip(io.BytesIO(request.get_data()), dest)
        elif request.files:
            archive = request.files.get("archive")
            if archive is not None:
                _unzip(archive.stream, dest)
            for part in request.files.getlist("files"):
                target = dest / _safe_name(part.filename or "", "files")
                target.parent.mkdir(parents=True, exist_ok=True)
                part.save(target)
        if not any(dest.rglob("*")):
            raise ValidationError(FieldProblem(
                "upload a zip (Content-Type: application/zip, or multipart part 'archive') "
                "or the folder's files (multipart parts 'files')", field="body"))
        root = _folder_root(dest)
        try:
            outcome = service().ingest(root, dry_run=dry_run)
        except ValidationError as e:
            # Name files as the uploader knows them, not by the temporary folder's path.
            summary = str(e).splitlines()[0].replace(str(root), "the upload").replace(str(dest), "the upload")
            raise ValidationError([replace(p, file=_relative(p.file, root)) for p in e.problems], summary) from e
    return json_response({**outcome.to_dict(), "folder": "(upload)", "dry_run": dry_run})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
