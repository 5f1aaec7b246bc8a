"""#16.7: bounded resources for any input. ZIP bombs, giant pictures and crafted WACZ
files are refused with a message naming the file and the setting; `add` stays all or
nothing (no object, no row)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from qantar import Project
from qantar.errors import InputError, QantarError
from qantar.evidence import add, export, list_items, verify_bundle
from qantar.evidence._limits import LimitExceeded, limits_from
from qantar.settings import from_mapping


def _objects(project: Project) -> list[Path]:
    objects = project.evidence_dir / "objects"
    return [p for p in objects.rglob("*") if p.is_file() and ".tmp" not in p.parts]


def _with_settings(project: Project, text: str) -> Project:
    settings = project.root / "qantar.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n[evidence]\n" + text)
    return Project.open(project.root)


def _bomb(path: Path, member: str, size: int) -> Path:
    """A ZIP whose one member is ``size`` bytes of spaces, deflated to almost nothing."""
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open(member, "w") as out,
    ):
        chunk = b" " * (1 << 20)
        for _ in range(size >> 20):
            out.write(chunk)
    return path


def _nothing_stored(project: Project) -> None:
    assert _objects(project) == []
    assert list_items(project) == []


def test_rule7_wacz_index_too_large_to_read_is_refused(project: Project, tmp_path: Path) -> None:
    project = _with_settings(project, "max_index_mb = 1\n")
    bomb = _bomb(tmp_path / "capture.wacz", "datapackage.json", 3 << 20)
    assert bomb.stat().st_size < 50_000
    with pytest.raises(LimitExceeded, match="max_index_mb") as refused:
        add(project, [bomb])
    assert str(bomb) in str(refused.value)
    _nothing_stored(project)


def test_rule7_zip_decompressing_beyond_the_total_is_refused(
    project: Project, tmp_path: Path
) -> None:
    project = _with_settings(project, "max_decompressed_mb = 4\n")
    bomb = _bomb(tmp_path / "archive.zip", "archive/data.warc", 8 << 20)
    with pytest.raises(LimitExceeded, match="max_decompressed_mb"):
        add(project, [bomb])
    _nothing_stored(project)


def test_rule7_picture_of_144_megapixels_is_refused_before_decoding(
    project: Project, tmp_path: Path
) -> None:
    """The PNG of the attack: 12000 x 12000 pixels in a few kilobytes."""
    png = tmp_path / "huge.png"
    Image.new("1", (12_000, 12_000)).save(png, optimize=True)
    assert png.stat().st_size < 200_000
    with pytest.raises(LimitExceeded, match="144 megapixels") as refused:
        add(project, [png])
    assert "max_pixels" in str(refused.value)
    _nothing_stored(project)


def test_rule7_pixel_limit_is_a_setting(project: Project, tmp_path: Path) -> None:
    png = tmp_path / "photo.png"
    Image.new("RGB", (2000, 1000)).save(png)
    strict = _with_settings(project, "max_pixels = 1000000\n")
    with pytest.raises(LimitExceeded):
        add(strict, [png])
    _nothing_stored(strict)
    [result] = add(project, [png])  # the default allows it
    assert result.new


def test_rule7_settings_must_be_positive_numbers(project: Project) -> None:
    with pytest.raises(QantarError, match=r"qantar.toml: \[evidence\] max_pixels"):
        _with_settings(project, 'max_pixels = "lots"')
    with pytest.raises(QantarError, match="max_decompressed_mb"):
        from_mapping({"evidence": {"max_decompressed_mb": 0}})
    assert limits_from(from_mapping({}).evidence).max_pixels == 100_000_000


@pytest.mark.parametrize(
    "package",
    [
        {"resources": [1]},
        {"resources": "archive/data.warc"},
        {"resources": [{"path": 7, "hash": "sha256:00"}]},
        [1, 2],
    ],
)
def test_rule7_crafted_wacz_is_recorded_as_failing_not_a_crash(
    project: Project, tmp_path: Path, package: object
) -> None:
    """`resources: [1]` raised AttributeError and left an orphan object."""
    path = tmp_path / "crafted.wacz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("datapackage.json", json.dumps(package))
    [result] = add(project, [path])
    assert any("wacz integrity check failed" in f for f in result.flags)
    assert len(list_items(project)) == 1


def test_rule7_deep_json_in_a_wacz_is_a_finding(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "deep.wacz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("datapackage.json", "[" * 200_000 + "]" * 200_000)
    [result] = add(project, [path])
    assert any("nested too deeply" in f for f in result.flags)


def test_rule7_failure_after_the_copy_leaves_no_object_and_no_row(
    project: Project, tmp_path: Path
) -> None:
    """All or nothing: a database that refuses the write after the bytes were copied (a
    trigger here, as a full disk or a constraint would) leaves no object behind."""
    from sqlalchemy import text

    with project.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON evidence_collections "
                "BEGIN SELECT RAISE(ABORT, 'write refused'); END"
            )
        )
    f = tmp_path / "statement.txt"
    f.write_text("a statement")
    with pytest.raises(Exception, match="write refused"):
        add(project, [f])
    _nothing_stored(project)


def test_rule7_compressed_bundle_member_is_not_decompressed(
    project: Project, tmp_path: Path
) -> None:
    """A 2 MB bundle reached 4.3 GB in verify-bundle: qantar bundles store members as they
    are, so a compressed member is refused without reading it."""
    f = tmp_path / "a.txt"
    f.write_text("evidence")
    add(project, [f])
    bundle = tmp_path / "court.zip"
    export(project, bundle)
    bombed = tmp_path / "bombed.zip"
    with (
        zipfile.ZipFile(bundle) as src,
        zipfile.ZipFile(bombed, "w", compression=zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        with dst.open("padding.json", "w") as out:
            for _ in range(64):
                out.write(b" " * (1 << 20))
    assert bombed.stat().st_size < 2 << 20
    report = verify_bundle(bombed)
    assert not report.ok
    assert any("compressed member" in p.message for p in report.failures)


def test_rule7_add_refuses_before_storing_any_file_of_the_batch(
    project: Project, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("fine")
    png = tmp_path / "huge.png"
    Image.new("1", (12_000, 12_000)).save(png, optimize=True)
    with pytest.raises(InputError):
        add(project, [good, png])
    _nothing_stored(project)
