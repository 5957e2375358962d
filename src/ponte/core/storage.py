"""Stored files on any Django storage (local folder, S3-compatible bucket, memory in tests).

Ponte reads and writes uploaded and generated files through the storage API (`field.open()`,
`storage.save/open/delete/url`), never through a path under MEDIA_ROOT, so the web processes and
the worker may run on different machines. Two things need more than a stream:

- the web server sending a file itself (`PONTE_SENDFILE`) needs it on the local disk: `is_local`;
- the open-data importers read their files by path (sniffing, Parquet's column store, COPY):
  `local_paths` gives the file's own path on a local storage, or a temporary copy read from the
  storage in chunks, deleted afterwards.
"""

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.core.files.storage import FileSystemStorage

COPY_CHUNK = 1024 * 1024


def is_local(storage) -> bool:
    """Whether the storage keeps its files as plain files on this machine (a storage's `path()`
    alone does not say so: InMemoryStorage answers one that exists nowhere)."""
    return isinstance(storage, FileSystemStorage)


@contextmanager
def local_paths(*files):
    """Paths on this machine for stored files (FieldFiles): their own on a local storage, else
    temporary copies that keep the name's extension (importers look at it)."""
    copies = []
    try:
        paths = []
        for file in files:
            if is_local(file.storage):
                paths.append(Path(file.path))
                continue
            suffix = "".join(PurePosixPath(file.name).suffixes[-2:])
            copy = tempfile.NamedTemporaryFile(prefix="ponte-", suffix=suffix, delete=False)  # noqa: SIM115
            copies.append(Path(copy.name))
            with copy, file.storage.open(file.name, "rb") as stored:
                shutil.copyfileobj(stored, copy, COPY_CHUNK)
            paths.append(Path(copy.name))
        yield paths
    finally:
        for copy in copies:
            copy.unlink(missing_ok=True)
