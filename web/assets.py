"""Build the front-end assets from the npm packages: ``python -m web.assets`` (``make assets`` runs it).

Compiles our Sass (GOV.UK Frontend with our own font stack) and copies GOV.UK Frontend's script and images
and axe-core (for the accessibility tests) into ``web/static/vendor``. Nothing is fetched at run time.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = Path(__file__).resolve().parent / "static" / "vendor"


def build() -> None:
    govuk = MODULES / "govuk-frontend" / "dist" / "govuk"
    if not govuk.is_dir():
        sys.exit("node_modules/govuk-frontend is missing: run `npm install` first")
    VENDOR.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(MODULES / ".bin" / "sass"),
            "--no-source-map",
            "--style=compressed",
            "--quiet-deps",
            f"--load-path={MODULES}",
            str(VENDOR.parent / "src" / "app.scss"),
            str(VENDOR / "app.css"),
        ],
        check=True,
    )
    shutil.copy(govuk / "govuk-frontend.min.js", VENDOR / "govuk-frontend.min.js")
    shutil.copytree(govuk / "assets" / "images", VENDOR / "assets" / "images", dirs_exist_ok=True)
    shutil.copy(MODULES / "axe-core" / "axe.min.js", VENDOR / "axe.min.js")
    (VENDOR / "fonts").mkdir(exist_ok=True)
    for face in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):  # the PDF report's font: it draws ŵ and ŷ
        shutil.copy(MODULES / "dejavu-fonts-ttf" / "ttf" / face, VENDOR / "fonts" / face)
    print(f"Built assets into {VENDOR.relative_to(ROOT)}")


if __name__ == "__main__":
    build()
