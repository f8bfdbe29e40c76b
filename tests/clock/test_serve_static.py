"""`serve` collects the static files once per version, not at every start.

Before, every start ran collectstatic with gzip and brotli compression: about 27 s of CPU
before the first page of `make demo`, paid again at every restart.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from clientela.clock.management.commands.serve import Command, static_fingerprint

MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


@pytest.fixture
def static_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    return Path(settings.STATIC_ROOT)


def test_static_files_are_collected_at_the_first_start_only(static_root: Path) -> None:
    command = Command(stdout=io.StringIO())
    command._static_collect()
    manifest = static_root / "staticfiles.json"
    stamp = static_root / ".collected-from"
    assert manifest.exists() and stamp.read_text() == static_fingerprint()
    manifest.unlink()  # a second collection would write it again
    command._static_collect()
    assert not manifest.exists()
    assert command.stdout.getvalue().count("preparing the static files") == 1


def test_a_changed_source_file_collects_again(static_root: Path, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "note.css").write_text("body { color: black; }")
    settings.STATICFILES_DIRS = [extra]
    Command(stdout=io.StringIO())._static_collect()
    (static_root / "staticfiles.json").unlink()
    (extra / "note.css").write_text("body { color: navy; }")  # another size: another version
    Command(stdout=io.StringIO())._static_collect()
    assert (static_root / "staticfiles.json").exists()
