"""One configuration for every command: whyrec.toml (top level, then the command's table) <
WHYREC_* < the option, the same built-in defaults everywhere, one-line errors naming the file
and line, warnings naming a name nobody reads."""

from __future__ import annotations

import json
import sqlite3
import warnings
from pathlib import Path

import click
import pytest

from whyrec.cli.common import SettingOption, setting_names
from whyrec.cli.main import cli, main
from whyrec.config import SECTIONS, SETTINGS, ConfigWarning, default
from whyrec.values import LENGTHS


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder of its own (./whyrec.toml is read from it) and no WHYREC_ setting."""
    monkeypatch.chdir(tmp_path)
    for name in (*SETTINGS, "config", "port", "host"):
        monkeypatch.delenv(f"WHYREC_{name.upper()}", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def every_command(group: click.Group = cli, path: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((f"{path}{name}", command))
        if isinstance(command, click.Group):
            found += every_command(command, f"{path}{name} ")
    return found


def test_recommend_takes_file_then_table_then_env_then_option(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    def algorithm(*extra: str) -> str:
        code, out, err = run(capsys, "recommend", "--user", "u0001", "--n", "2", "--json",
                             *extra)
        assert code == 0, err
        return str(json.loads(out)["algorithm"])

    assert algorithm() == "hybrid"  # no file: the built-in default
    (folder / "whyrec.toml").write_text('algorithm = "popular"\n')
    assert algorithm() == "popular"
    (folder / "whyrec.toml").write_text('algo = "popular"\n[recommend]\nalgorithm = "content"\n'
                                        '[explain]\nalgorithm = "als"\n')
    assert algorithm() == "content"  # the command's own table, not another's
    monkeypatch.setenv("WHYREC_ALGORITHM", "itemknn")
    assert algorithm() == "itemknn"
    assert algorithm("--algo", "popular") == "popular"


def test_explain_length_and_tone_follow_the_same_order(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    def style(*extra: str) -> str:
        code, out, err = run(capsys, "explain", "--user", "u0001", "--n", "1", "--algo",
                             "popular", "--backend", "template", "--no-cache", "--json", *extra)
        assert code == 0, err
        return str(json.loads(out)[0]["style"])

    (folder / "whyrec.toml").write_text('length = "short"\ntone = "friendly"\n')
    assert style().startswith("short/friendly/")
    monkeypatch.setenv("WHYREC_LENGTH", "long")  # the older name of detailed
    assert style().startswith("detailed/friendly/")
    assert style("--length", "medium", "--tone", "neutral").startswith("medium/neutral/")
    # a setting file for every command, named once before the command
    other = folder / "other.toml"
    other.write_text('tone = "neutral"\n')
    monkeypatch.delenv("WHYREC_LENGTH")
    code, out, _ = run(capsys, "--config", str(other), "explain", "--user", "u0001", "--n", "1",
                       "--algo", "popular", "--backend", "template", "--no-cache", "--json")
    assert code == 0 and json.loads(out)[0]["style"].startswith("medium/neutral/")


def test_serve_settings_take_the_same_order(folder: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pydantic_settings")
    from whyrec.service.settings import load_settings, setting_sources

    (folder / "whyrec.toml").write_text('backend = "template"\nlength = "short"\nport = 1\n'
                                        '[serve]\nport = 9001\ntone = "friendly"\n')
    with pytest.warns(ConfigWarning, match=r"unknown setting 'port'"):  # top level: shared only
        settings = load_settings()
    assert (settings.backend, settings.length, settings.tone, settings.port) == (
        "template", "short", "friendly", 9001)
    monkeypatch.setenv("WHYREC_PORT", "9002")
    monkeypatch.setenv("WHYREC_LENGTH", "detailed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfigWarning)
        settings, sources = setting_sources()
        assert (settings.port, settings.length) == (9002, "detailed")
        assert (sources["port"].where, sources["tone"].where, sources["backend"].where,
                sources["host"].kind) == ("WHYREC_PORT", "whyrec.toml [serve]", "whyrec.toml",
                                          "default")
        assert load_settings(port=9003, length="medium").port == 9003
        monkeypatch.setenv("WHYREC_PORT", "70000")
        with pytest.raises(Exception, match=r"invalid setting port \(WHYREC_PORT\)"):
            load_settings()


def test_every_command_has_the_same_defaults() -> None:
    """Introspected: each shared setting has one built-in default in every command."""
    seen: dict[str, set[object]] = {}
    for name, command in every_command():
        for param in command.params:
            if isinstance(param, SettingOption):
                default_value = param.default
                seen.setdefault(param.setting, set()).add(
                    tuple(default_value) if isinstance(default_value, list | tuple)
                    else default_value)
            elif param.name in ("backend", "algo", "length", "tone", "language", "db_url",
                                "repairs", "k_anonymity", "best_of"):
                # serve's options stay unset so its loader sees what was given; forget's
                # --data and --recommender name what to rewrite, not what to read
                assert name == "serve", f"whyrec {name} --{param.name} is not a SettingOption"
    for setting in ("backend", "algorithm", "length", "tone", "language", "data", "db_url",
                    "repairs", "recommender", "k_anonymity"):
        expected = default(setting)
        expected = tuple(expected) if isinstance(expected, list) else expected
        assert seen[setting] == {expected}, setting
    assert (default("backend"), default("algorithm"), default("length")) == (
        "llamacpp", "hybrid", "medium")
    # every --length offers the same choices, the ones the docs list
    choices = {tuple(p.type.choices) for _, c in every_command() for p in c.params
               if isinstance(p, SettingOption) and p.setting == "length"}
    assert choices == {LENGTHS}
    docs = (Path(__file__).parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"`--length {'|'.join(LENGTHS)}`" in docs
    # the file's tables are the commands' names
    assert set(SECTIONS) <= set(cli.commands)


def test_serve_defaults_are_every_command_s() -> None:
    pytest.importorskip("pydantic_settings")
    from whyrec.service.settings import ServiceSettings

    for name in SETTINGS:
        if name == "llm_timeout":  # a service always has a deadline (docs/cli.md says so)
            assert ServiceSettings.model_fields[name].default == 10.0
            continue
        assert ServiceSettings.model_fields[name].get_default(call_default_factory=True) == \
            default(name), name


def test_help_shows_the_value_that_applies(folder: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "whyrec.toml").write_text('[report]\nbackend = "template"\n')
    _, report_help, _ = run(capsys, "report", "--help")
    _, explain_help, _ = run(capsys, "explain", "--help")
    assert "[default: template]" in report_help
    assert "[default: llamacpp]" in explain_help


def test_a_file_that_is_not_toml_is_one_line_naming_file_and_line(
    folder: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    (folder / "whyrec.toml").write_text('data = "demo"\nbackend = \n')
    code, _, err = run(capsys, "info")
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("whyrec: error: whyrec.toml:2: not valid TOML")
    code, _, err = run(capsys, "--config", "missing.toml", "info")
    assert code == 1 and "config file not found: missing.toml" in err


@pytest.mark.parametrize(("content", "env", "message"), [
    ('length = "huge"\n', {}, "whyrec.toml: length must be one of short, medium, detailed"),
    ('[explain]\nrepairs = -1\n', {}, "whyrec.toml [explain]: repairs: Input should be greater"),
    ("", {"WHYREC_BACKEND": "gpt9"}, "WHYREC_BACKEND: unknown backend 'gpt9'"),
    ("", {"WHYREC_PREFER": "cohort,vibes"}, "WHYREC_PREFER: unknown evidence kind 'vibes'"),
])
def test_a_wrong_value_names_where_it_was_set(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    content: str, env: dict[str, str], message: str,
) -> None:
    (folder / "whyrec.toml").write_text(content)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, _, err = run(capsys, "explain", "--user", "u0001")  # refused before any work
    assert code == 1 and err.count("\n") == 1 and message in err, err


def test_unknown_names_are_warnings_naming_them(folder: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "whyrec.toml").write_text('lenght = "short"\n[explian]\nx = 1\n'
                                        '[info]\nbackend = "template"\n')
    code, out, err = run(capsys, "info", "--json")
    assert code == 0 and json.loads(out)["n_users"] == 1000
    assert "whyrec: warning: whyrec.toml: unknown setting 'lenght' (did you mean 'length'?)" in err
    assert "unknown table [explian] (did you mean [explain]?)" in err
    assert "[info] 'backend': does not apply to whyrec info" in err
    code, out, _ = run(capsys, "config", "--json")
    shown = json.loads(out)
    assert code == 0 and len(shown["warnings"]) == 3


def test_model_settings_in_the_file_do_not_break_another_backend(
    folder: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    (folder / "whyrec.toml").write_text('backend = "openai"\nbase_url = "http://gpu:8000/v1"\n'
                                        'llm_model = "Qwen"\n')
    code, out, err = run(capsys, "explain", "--user", "u0001", "--n", "1", "--algo", "popular",
                         "--backend", "template", "--no-cache", "--json")
    assert code == 0, err
    assert json.loads(out)[0]["backend"] == "template"
    # given on the command line, a model option the backend cannot use is still refused
    code, _, err = run(capsys, "explain", "--user", "u0001", "--backend", "template",
                       "--base-url", "http://gpu:8000/v1")
    assert code == 1 and "do not apply to the template backend" in err


def test_config_shows_each_value_and_where_it_came_from(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    (folder / "whyrec.toml").write_text('backend = "template"\n[explain]\nlength = "short"\n')
    monkeypatch.setenv("WHYREC_TONE", "friendly")
    code, out, _ = run(capsys, "config", "explain", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["file"] == "whyrec.toml"
    settings = shown["settings"]
    assert settings["backend"] == {"value": "template", "source": "file",
                                   "where": "whyrec.toml"}
    assert settings["length"]["where"] == "whyrec.toml [explain]"
    assert settings["tone"] == {"value": "friendly", "source": "env", "where": "WHYREC_TONE"}
    assert settings["algorithm"] == {"value": "hybrid", "source": "default",
                                     "where": "built-in"}
    assert set(settings) == setting_names(cli.commands["explain"]) & set(SETTINGS)
    code, out, _ = run(capsys, "config")  # every shared setting, at the top level
    assert code == 0 and "length       medium" in out and "backend      template" in out
    code, _, err = run(capsys, "config", "nope")
    assert code == 1 and "no command 'nope'" in err


def test_keys_use_the_service_s_store(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A key created with `whyrec keys` lands in the store `whyrec serve` reads."""
    store = folder / "service.sqlite"
    (folder / "whyrec.toml").write_text(f'[serve]\ndb_url = "sqlite:///{store}"\n')
    code, out, err = run(capsys, "keys", "create", "shop", "--json")
    assert code == 0, err
    with sqlite3.connect(store) as db:
        names = [row[0] for row in db.execute("select name from api_keys")]
    assert names == ["shop"] and json.loads(out)["name"] == "shop"


def test_a_store_in_the_file_is_not_a_batch_asking_for_one(
    folder: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """batch refuses --db on its command line; the file's db_url (for other commands) is
    not that."""
    (folder / "whyrec.toml").write_text(f'db_url = "sqlite:///{folder / "s.sqlite"}"\n')
    (folder / "busy").mkdir()
    (folder / "busy" / "notes.txt").write_text("mine")
    args = ["batch", "--out", str(folder / "busy"), "--backend", "template"]
    code, _, err = run(capsys, *args)
    assert code == 1 and "holds no whyrec batch" in err  # got past the store check
    code, _, err = run(capsys, *args, "--db", str(folder / "x.sqlite"))
    assert code == 1 and "drop --db" in err
