"""The answer model on real questions it was not written for: the fast form of ``benchmarks/answers.py`` as a
regression floor, and the learning code on data whose answer is known."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

import answers  # noqa: E402
import train_answer_model as training  # noqa: E402

from kiosk.knowledge.answer_model import shipped  # noqa: E402
from kiosk.knowledge.features import ANSWERABILITY_FEATURES, CANDIDATE_FEATURES  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def _stores_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    # evaluation stores of real documents only, built once for this module
    training.CACHE = tmp_path_factory.mktemp("eval-stores")


def _mean(rows: list[dict], key: str) -> float:
    return sum(float(r[key]) for r in rows) / len(rows)


def test_dev_subset_keeps_its_floor() -> None:
    rows, baseline, latencies = answers.run_dev(answers.fast_subset(answers.dev_items(), 1), None)
    yes = [r for r in rows if r["answerable"]]
    no = [r for r in rows if not r["answerable"]]
    assert yes and no, "the fast subset keeps both kinds of question"
    assert _mean(yes, "fact") >= 0.5
    assert sum(r["refused"] for r in no) / len(no) >= 0.5
    # what it does answer, it mostly gets right: better than the baseline, which answers everything
    answered = [r for r in yes if not r["refused"]]
    assert _mean(answered, "fact") > _mean([r for r in baseline if r["answerable"]], "fact")
    assert sorted(latencies)[len(latencies) // 2] < 500


def test_ncp_subset_keeps_its_floor() -> None:
    rows, baseline, _ = answers.run_ncp(answers.fast_subset(answers.ncp_items(), 2), None)
    assert _mean(rows, "contained") >= 0.45
    # the baseline answers everything; on the questions the kiosk does answer, its answers beat the baseline's
    pairs = [(r, b) for r, b in zip(rows, baseline, strict=True) if not r["refused"]]
    assert len(pairs) >= len(rows) // 2
    for key in ("contained", "recall"):
        assert _mean([r for r, _ in pairs], key) > _mean([b for _, b in pairs], key)


def test_the_ranker_learns_which_feature_marks_the_answer() -> None:
    rng = np.random.default_rng(0)
    examples = []
    for i in range(60):
        rows = rng.random((8, len(CANDIDATE_FEATURES)))
        labels = np.zeros(8)
        right = int(rng.integers(8))
        rows[right, 3] += 1.0  # the answering sentence is the one covering the question best
        labels[right] = 1.0
        asked = training.Asked(f"q{i}", "d.txt", "gold", "d.txt", None)
        asked.rows, asked.labels = rows, labels
        examples.append(asked)
    ranker = training.fit_ranker(examples)
    assert int(np.argmax(ranker.weights)) == 3
    picked = [int(np.argmax(ranker(a.rows))) == int(np.argmax(a.labels)) for a in examples]
    assert sum(picked) / len(picked) > 0.9


def test_answerability_threshold_balances_both_errors() -> None:
    probability = np.array([0.1, 0.2, 0.3, 0.7, 0.8, 0.9])
    labels = np.array([0, 0, 0, 1, 1, 1], dtype=float)
    assert 0.3 < training.choose_threshold(probability, labels) <= 0.7


def test_shipped_model_matches_the_features_and_says_what_it_learned_from() -> None:
    model = shipped()
    assert model.ranker.features == CANDIDATE_FEATURES
    assert model.answerability.features == ANSWERABILITY_FEATURES
    assert model.trained_on["ncp_questions"]["with_gold_document"] > 500
    assert 0.0 < model.threshold < 1.0
