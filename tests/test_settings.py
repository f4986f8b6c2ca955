"""``ExplainSettings``: one name and one check per setting, the one mapping to backend options and
the one ``Style`` for every interface (CLI, service, batch, report, Python API)."""

from __future__ import annotations

from pathlib import Path

import pytest

from whyrec.batch.config import BatchConfig, EngineOptions, worker_spec
from whyrec.errors import ConfigError
from whyrec.eval.runner import ReportConfig, parse_config
from whyrec.service.settings import ServiceSettings, load_settings
from whyrec.settings import ExplainSettings
from whyrec.values import Style


def test_backend_options_per_backend() -> None:
    openai = ExplainSettings(backend="openai", llm_model="m", base_url="http://h/v1",
                             llm_timeout=5, prefill=True)
    assert openai.backend_options() == {"model": "m", "base_url": "http://h/v1", "timeout": 5,
                                        "prefill": True}
    assert openai.backend_options(retries=0, threads=4)["retries"] == 0
    assert "threads" not in openai.backend_options(threads=4)
    llamacpp = ExplainSettings(llm_model="x.gguf", adapter=False)
    assert llamacpp.backend_options(threads=2, parallel=3) == {
        "model": "x.gguf", "adapter": False, "threads": 2, "parallel": 3}
    assert ExplainSettings().backend_options() == {}  # the bundled model, its own defaults
    assert ExplainSettings(backend="template").backend_options(threads=2, retries=0) == {}


@pytest.mark.parametrize(("values", "message"), [
    ({"backend": "template", "llm_model": "x"}, "--model and --base-url do not apply"),
    ({"backend": "template", "base_url": "http://h"}, "do not apply to the template backend"),
    ({"backend": "openai", "adapter": "a.gguf"}, "--adapter and --no-adapter do not apply"),
    ({"prefill": True}, "--prefill applies to the openai backend"),
    ({"backend": "gpt9"}, "unknown backend 'gpt9'"),
    ({"language": "fr"}, "language must be en or zh"),
    ({"length": "huge"}, "length must be one of"),
    ({"tone": "grim"}, "tone must be one of"),
    ({"prefer": ("vibes",)}, "unknown evidence kind 'vibes'"),
])
def test_mistakes_are_one_line_config_errors(values: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ExplainSettings(**values)  # type: ignore[arg-type]


def test_style_and_the_older_length_name() -> None:
    settings = ExplainSettings(length="long", tone="friendly", prefer=["cohort"],
                               exclude=("trend",))
    assert settings.length == "detailed"
    assert settings.style() == Style(length="detailed", tone="friendly", prefer=("cohort",),
                                     exclude=("trend",))
    assert settings.updated(length="short").style().length == "short"
    with pytest.raises(ConfigError, match="length must be"):
        settings.updated(length="huge")


def test_every_interface_names_the_settings_alike(tmp_path: Path) -> None:
    names = set(ExplainSettings.model_fields)
    for config in (BatchConfig, ReportConfig, ServiceSettings):
        assert issubclass(config, ExplainSettings) and names <= set(config.model_fields)
    batch = BatchConfig(data="demo", out=str(tmp_path), backend="template", length="short",
                        language="zh")
    spec = worker_spec(batch, EngineOptions(workers=1))
    assert type(spec.explain) is ExplainSettings
    assert spec.explain == ExplainSettings(backend="template", length="short", language="zh")
    # the report's --config keys: today's names and the older ones
    report = parse_config("algo=popular,model=m.gguf,timeout=3,backend=llamacpp,prefer=cohort")
    assert (report.algorithm, report.llm_model, report.llm_timeout, report.prefer) == (
        "popular", "m.gguf", 3.0, ("cohort",))
    assert report.backend_options() == {"model": "m.gguf", "timeout": 3.0}


def test_service_reads_the_older_names_in_its_file(tmp_path: Path) -> None:
    config = tmp_path / "whyrec.toml"
    config.write_text('[serve]\nbackend = "openai"\nmodel = "Qwen"\nalgo = "popular"\n'
                      'base_url = "http://h/v1"\ntone = "friendly"\n')
    settings = load_settings(config)
    assert (settings.llm_model, settings.algorithm, settings.tone) == ("Qwen", "popular",
                                                                       "friendly")
    assert load_settings(config, model="other").llm_model == "other"
    assert settings.backend_options(retries=0) == {"model": "Qwen", "base_url": "http://h/v1",
                                                   "timeout": 10.0, "retries": 0}
