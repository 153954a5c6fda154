"""The WeChat channel is optional: the core runs without it, its config is checked, its cache stays out of the tree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from handlers.composition import build_app, config_from_dict
from bot.channels.wechaty import plugin
from bot.config import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "HOME": str(cwd), "PATH": "/usr/bin:/bin"})


def test_the_core_never_imports_the_wechat_client(tmp_path):
    done = python(
        "import sys, bot.server, bot.cli, bot.channels.wechaty, handlers.wechat.commands\n"
        "from handlers.composition import build_app, config_from_dict\n"
        "from bot.server import load_plugins\n"
        f"app = build_app(config_from_dict({{'database': {{'url': 'sqlite:///{tmp_path}/x.db'}}}}))\n"
        "load_plugins(app)\n"
        "print(sorted(m for m in sys.modules if m.startswith('wechaty')))\n",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert not (tmp_path / ".wechaty").exists()


def test_the_client_cache_folder_goes_to_the_cache_dir(tmp_path):
    pytest.importorskip("wechaty_grpc", reason="needs the gridbot[wechat] extra")
    project, cache = tmp_path / "project", tmp_path / "cache"
    project.mkdir()
    done = python(
        "import os\nfrom bot.channels.wechaty.loader import load_client\n"
        f"client = load_client({str(cache)!r})\nimport wechaty_puppet.config\n"
        "print(client.PuppetService.__name__, os.getcwd())\n",
        project,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["PuppetService", str(project)]
    assert (cache / ".wechaty").is_dir()
    assert not (project / ".wechaty").exists()


def test_no_plugin_unless_enabled(app):
    assert plugin(app) is None


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"enabled": True, "token": "insecure_x"}, "endpoint is required"),
        ({"enabled": True, "endpoint": "127.0.0.1:8788"}, "token is required"),
        ({"endpoint": "gateway.local"}, "wechaty.endpoint"),
    ],
)
def test_an_unusable_wechaty_section_stops_the_start(section, named):
    with pytest.raises(ConfigError, match=named):
        config_from_dict({"wechaty": section})
