"""Uploads: each read in a folder of its own inside the data directory, named by a random id;
file names reduced to a safe base name with an accepted suffix; a zip unpacked only within
limits of count, size and ratio, never outside its folder. Once read, an upload is kept in
the archive's database (`store.drafts`), so that every server process sharing it can open it;
the folder is then only this process's working copy. Nothing uploaded is executed: it is read
by the same strict readers as on the command line."""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..store.archive import Archive
from ..store.drafts import Drafts

SUBMISSIONS = (".yaml", ".yml", ".json", ".xlsx", ".csv")
MAX_FILES = 2_000
MAX_UNPACKED = 200 * 2**20  # a zip may unpack to 200 MB at most …
MAX_RATIO = 100  # … and no member to more than 100 times its packed size
_ID = re.compile(r"^[0-9a-f]{32}$")


def refused(zh: str, en: str, file: str | None = None) -> InputError:
    return InputError([Problem(zh, en, file)])


def safe_name(name: str) -> str:
    """A file's base name as uploaded, without any folder, control character or leading dot."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "_", base).strip().lstrip(".")
    return base[:120] or "upload"


@dataclass(frozen=True)
class Upload:
    id: str
    folder: Path
    meta: dict[str, Any]

    @property
    def files(self) -> Path:
        return self.folder / "files"


_ARCHIVES: dict[str | None, Archive] = {}


def archive_of(db: str | None) -> Archive:
    """This process's archive for a database, opened once (its engine keeps the connections)."""
    if db not in _ARCHIVES:
        _ARCHIVES[db] = Archive.open(db, writes=True)  # sessions and uploads are stored
    return _ARCHIVES[db]


class Store:
    """Uploads: kept in the archive's database, read in folders of the data directory."""

    def __init__(self, root: Path, db: str | None):
        self.root = root / "uploads"
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.drafts = Drafts(archive_of(db).engine)

    def new(self, meta: dict[str, Any]) -> Upload:
        upload_id = secrets.token_hex(16)
        folder = self.root / upload_id
        (folder / "files").mkdir(parents=True, mode=0o700)
        return Upload(upload_id, folder, meta)

    def get(self, upload_id: str) -> Upload | None:
        """An upload by its id, its files in this process's folder (fetched from the database
        when another process took it)."""
        if not _ID.match(upload_id):
            return None
        meta = self.drafts.meta(upload_id)
        if meta is None:
            return None
        folder = self.root / upload_id
        if not (folder / "files").is_dir():
            staged = Path(tempfile.mkdtemp(dir=self.root, prefix=f".{upload_id}-"))
            (staged / "files").mkdir()
            for name, data in self.drafts.files(upload_id):
                (staged / "files" / safe_name(name)).write_bytes(data)
            try:
                staged.rename(folder)  # whole, or (another worker was first) not at all
            except OSError:
                shutil.rmtree(staged, ignore_errors=True)
        return Upload(upload_id, folder, meta)

    @contextmanager
    def kept_if_read(self, meta: dict[str, Any]) -> Iterator[Upload]:
        """A new upload that is removed again if reading it fails: a rejected file leaves
        nothing behind, here or in the database."""
        upload = self.new(meta)
        try:
            yield upload
        except BaseException:
            shutil.rmtree(upload.folder, ignore_errors=True)
            raise

    def save(self, upload: Upload, **changes: Any) -> Upload:
        """The upload, read, into the database: its files as read (a zip's, unpacked) and
        what is known of it."""
        meta = {**upload.meta, **changes}
        files = sorted(p for p in upload.files.iterdir() if p.is_file())
        self.drafts.save(upload.id, meta, ((p.name, p.read_bytes()) for p in files))
        return Upload(upload.id, upload.folder, meta)


def keep(upload: Upload, name: str, data: bytes) -> Path:
    """One uploaded file into the upload's folder (a zip unpacked there)."""
    clean = safe_name(name)
    suffix = Path(clean).suffix.lower()
    if suffix == ".zip":
        return _unzip(upload.files, clean, data)
    if suffix not in SUBMISSIONS:
        raise refused(
            f"不接受 {suffix or '无扩展名'} 文件：请上传 .xlsx、.csv、.yaml、.json 或 .zip",
            f"{suffix or 'no suffix'} is not accepted: upload .xlsx, .csv, .yaml, .json or .zip",
            clean,
        )
    target = upload.files / clean
    if target.exists():
        raise refused(f"两个文件同名：{clean}", f"two files named {clean}", clean)
    target.write_bytes(data)
    return target


def _unzip(folder: Path, name: str, data: bytes) -> Path:
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise refused("不是有效的 zip 文件", "not a valid zip file", name) from None
    if len(members) > MAX_FILES:
        raise refused(
            f"zip 里的文件超过 {MAX_FILES} 个", f"over {MAX_FILES} files in the zip", name
        )
    total = sum(m.file_size for m in members)
    bomb = any(m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members)
    if total > MAX_UNPACKED or bomb:
        raise refused(
            "zip 解压后过大或压缩比异常（疑似“压缩炸弹”），拒绝处理",
            "the zip unpacks too large or at an abnormal ratio (a zip bomb?): refused",
            name,
        )
    written = 0
    for member in members:
        if member.is_dir():
            continue
        parts = [p for p in re.split(r"[\\/]", member.filename) if p not in ("", ".", "..")]
        if not parts or Path(parts[-1]).suffix.lower() not in SUBMISSIONS:
            continue  # only submissions are kept
        if (member.external_attr >> 16) & 0o170000 == 0o120000:
            continue  # a symbolic link is never followed or kept
        # Read whole, folders and all: beside the other files, named by its path in the zip.
        target = folder / safe_name("_".join(parts))
        if target.exists():
            raise refused(
                f"两个文件同名：{target.name}（zip 中的 {member.filename} 与另一个上传的文件）",
                f"two files named {target.name} (the zip's {member.filename} and another)",
                name,
            )
        with archive.open(member) as source:
            chunk = source.read(MAX_UNPACKED - written + 1)
        written += len(chunk)
        if written > MAX_UNPACKED:  # sizes in the directory can lie
            raise refused("zip 解压后过大，拒绝处理", "the zip unpacks too large: refused", name)
        target.write_bytes(chunk)
    return folder
