"""Near duplicates: re-encoded, resized, cropped and captioned copies group; others do not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from qantar import Project
from qantar.evidence import add, list_items, similar
from qantar.evidence._similar import groups


def textured(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """Noise at several scales plus random shapes: perceptual hashes need real structure."""
    rng = np.random.default_rng(seed)
    w, h = size
    base = np.zeros((h, w, 3), dtype=np.float64)
    for cell in (80, 20, 5):
        small = rng.random((h // cell + 1, w // cell + 1, 3))
        layer = np.asarray(
            Image.fromarray((small * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC),
            dtype=np.float64,
        )
        base += layer[:h, :w] / 3
    img = Image.fromarray(base.clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x0, y0 = int(rng.integers(0, w - 60)), int(rng.integers(0, h - 60))
        x1, y1 = x0 + int(rng.integers(30, 200)), y0 + int(rng.integers(30, 200))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
    return img.filter(ImageFilter.GaussianBlur(0.6))


def _variants(original: Image.Image, folder: Path) -> dict[str, Path]:
    paths = {"original": folder / "original.png"}
    original.save(paths["original"])
    paths["q50"] = folder / "q50.jpg"
    original.save(paths["q50"], quality=50)
    paths["half"] = folder / "half.png"
    original.resize((original.width // 2, original.height // 2), Image.LANCZOS).save(paths["half"])
    w, h = original.size
    dx, dy = round(w * 0.05), round(h * 0.05)
    paths["crop"] = folder / "crop.png"
    original.crop((dx, dy, w - dx, h - dy)).save(paths["crop"])
    captioned = original.copy()
    ImageDraw.Draw(captioned).text((20, h - 40), "Almaty 05.01.2022", fill=(255, 255, 255))
    paths["text"] = folder / "text.png"
    captioned.save(paths["text"])
    return paths


def test_copies_group_with_original_and_unrelated_do_not(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "imgs"
    folder.mkdir()
    paths = _variants(textured(1), folder)
    unrelated = []
    for seed in range(100, 120):
        path = folder / f"other{seed}.jpg"
        textured(seed).save(path, quality=90)
        unrelated.append(path)
    results = add(project, [*paths.values(), *unrelated])
    sha = {Path(r.path).name: r.sha256 for r in results}
    original = sha["original.png"]

    found = {s.sha256: s for s in similar(project, original)}
    copies = {sha[p.name] for key, p in paths.items() if key != "original"}
    assert copies <= set(found), {Path(p).name: found.get(sha[p.name]) for p in paths.values()}
    assert not {sha[p.name] for p in unrelated} & set(found)
    for copy in copies:
        assert found[copy].direct
    # Suggestions, never merges: every file stays its own item.
    assert len(list_items(project)) == 25
    all_groups = groups(project)
    assert len(all_groups) == 1 and set(all_groups[0]) == copies | {original}


def test_pdq_crops_close_the_gap_pdq_alone_leaves(tmp_path: Path) -> None:
    from qantar.evidence._perceptual import distance, image_hashes

    img = textured(5)
    w, h = img.size
    dx, dy = round(w * 0.05), round(h * 0.05)
    (tmp_path / "a.png").write_bytes(b"")
    img.save(tmp_path / "a.png")
    img.crop((dx, dy, w - dx, h - dy)).save(tmp_path / "b.png")
    a, b = image_hashes(tmp_path / "a.png"), image_hashes(tmp_path / "b.png")
    full_only = [x for x in a if x.variant == "full"]
    with_crops = distance(a, b)
    without = distance(full_only, [x for x in b if x.variant == "full"])
    assert with_crops.pdq is not None and without.pdq is not None
    assert with_crops.pdq < without.pdq
    assert with_crops.similar


def test_vectorised_index_agrees_with_pairwise_distance(tmp_path: Path) -> None:
    from qantar.evidence._perceptual import distance, image_hashes
    from qantar.evidence._similar import _Index

    folder = tmp_path / "v"
    folder.mkdir()
    paths = list(_variants(textured(9), folder).values())
    for seed in range(30, 36):
        paths.append(folder / f"u{seed}.png")
        textured(seed).save(paths[-1])
    by_item = {p.name: image_hashes(p) for p in paths}
    index = _Index(by_item)
    for i, a in enumerate(index.items):
        expected = {
            j
            for j, b in enumerate(index.items)
            if j != i and distance(by_item[a], by_item[b]).similar
        }
        assert index.neighbours(i) == expected, a
