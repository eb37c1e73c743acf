"""Zensical, mkdocs-material's successor, builds the same project from the same mkdocs.yml."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from loopkit.pipeline import Project, check

from browser import build_site
from conftest import REPO

pytestmark = pytest.mark.slow


# Zensical itself needs Python 3.11; the full suite runs on 3.11+, the 3.10 job runs the fast tier.
@pytest.mark.skipif(sys.version_info < (3, 11), reason="Zensical needs Python 3.11 or newer")
def test_zensical_builds_every_packet_page(tmp_path):
    mkdocs_site = build_site(tmp_path / "project", REPO / "question_bank")
    project = mkdocs_site.parent
    shutil.rmtree(mkdocs_site)
    zensical = Path(sys.executable).with_name("zensical")
    result = subprocess.run([str(zensical), "build", "--clean", "--config-file", "mkdocs.yml"], cwd=project,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    for packet in check(Project.at(REPO)).packets:
        page = project / "site" / "kit" / packet.role.id / packet.level.id / "index.html"
        assert packet.role.name in page.read_text(encoding="utf-8")
        for stage in packet.stages:
            assert (page.parent / stage.stage.id / "index.html").is_file()
    assert (project / "site" / "kit" / "candidates" / "index.html").is_file()
    # Zensical runs loopkit's Markdown extension too, so code in bank text is coloured there as well.
    code_review = project / "site" / "kit" / "questions" / "review-agent-loop-code" / "index.html"
    assert '<pre class="highlight"><code><span class="kn">import</span>' in code_review.read_text(encoding="utf-8")
