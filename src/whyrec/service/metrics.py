"""Prometheus metrics of one service process (its own registry, so tests and apps don't mix)."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from whyrec.types import Explanation


class ServiceMetrics:
    """Requests, latency, explanation outcomes (LLM pass, fallback and why), cache hits."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "whyrec_http_requests", "HTTP requests answered", ["route", "method", "status"],
            registry=self.registry)
        self.latency = Histogram(
            "whyrec_http_request_seconds", "Time to answer an HTTP request", ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry)
        self.explanations = Counter(
            "whyrec_explanations", "Explanations delivered, by who wrote the text: "
            "llm (a model draft that passed the verifier), fallback (the template after "
            "failed drafts or a model outage), template (the template backend)",
            ["outcome"], registry=self.registry)
        self.fallbacks = Counter(
            "whyrec_llm_fallbacks", "Template fallbacks, by reason (verification or outage)",
            ["reason"], registry=self.registry)
        self.cache = Counter(
            "whyrec_explanation_cache", "Explanation cache lookups", ["result"],
            registry=self.registry)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route=route, method=method, status=str(status)).inc()
        self.latency.labels(route=route).observe(seconds)

    def observe_explanations(self, explanations: Iterable[Explanation]) -> None:
        for explanation in explanations:
            self.cache.labels(result="hit" if explanation.cached else "miss").inc()
            if explanation.fallback:
                self.fallbacks.labels(reason="outage" if explanation.is_outage
                                      else "verification").inc()
                self.explanations.labels(outcome="fallback").inc()
            else:
                self.explanations.labels(
                    outcome="template" if explanation.model == "template" else "llm").inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
