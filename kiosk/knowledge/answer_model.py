"""The learned parts of answering: which sentence states the answer, and whether the evidence answers at all.

Two linear models over ``kiosk.knowledge.features``, stored as one small JSON file (``answer_model.json``)
with the data they were trained on. ``scripts/train_answer_model.py`` writes it; nothing here is hand-tuned.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from kiosk.knowledge.features import ANSWERABILITY_FEATURES, CANDIDATE_FEATURES

MODEL_FILE = "answer_model.json"


@dataclass
class Linear:
    """Standardised inputs, one weight each, and a bias."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float = 0.0

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        return ((rows - self.mean) / self.scale) @ self.weights + self.bias

    def to_json(self) -> dict:
        return {"features": list(self.features), "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(), "weights": self.weights.round(6).tolist(),
                "bias": round(float(self.bias), 6)}

    @classmethod
    def from_json(cls, data: dict, expected: tuple[str, ...]) -> Linear:
        if tuple(data["features"]) != expected:
            raise ValueError("answer model was trained on other features: retrain it (scripts/train_answer_model.py)")
        return cls(expected, np.array(data["mean"]), np.array(data["scale"]), np.array(data["weights"]),
                   float(data.get("bias", 0.0)))


@dataclass
class AnswerModel:
    ranker: Linear
    answerability: Linear
    threshold: float  # answer when the probability that the evidence answers is at least this
    neighbour_margin: float  # another sentence of the best one's passage joins the answer when it scores within this of the best
    trained_on: dict

    def scores(self, rows: list[list[float]]) -> list[float]:
        return self.ranker(np.asarray(rows, dtype=float)).tolist()

    def probability(self, row: list[float]) -> float:
        z = float(self.answerability(np.asarray([row], dtype=float))[0])
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict:
        return {"ranker": self.ranker.to_json(), "answerability": self.answerability.to_json(),
                "threshold": round(self.threshold, 4), "neighbour_margin": round(self.neighbour_margin, 4),
                "trained_on": self.trained_on}

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def from_json(cls, data: dict) -> AnswerModel:
        return cls(Linear.from_json(data["ranker"], CANDIDATE_FEATURES),
                   Linear.from_json(data["answerability"], ANSWERABILITY_FEATURES),
                   float(data["threshold"]), float(data["neighbour_margin"]), data.get("trained_on", {}))


@cache
def shipped() -> AnswerModel:
    """The model that ships with the package."""
    text = resources.files("kiosk.knowledge").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return AnswerModel.from_json(json.loads(text))


def configured(threshold: float | None = None) -> AnswerModel:
    """The shipped model, with the deployer's own refusal threshold when ``config.toml`` sets one."""
    model = shipped()
    return model if threshold is None else replace(model, threshold=threshold)
