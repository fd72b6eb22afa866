"""Measure a CRF slot tagger (python-crfsuite, the `nl-train` extra) against the shipped perceptron tagger.

Same generated data, same held-back split, same token features (without the previous-label feature, which a CRF
models itself). Prints slot-token accuracy on the split, dev-set exact-command accuracy with the CRF's labels, and
the CRF's tagging time per request. Measurement only: the shipped model does not use it.
Run: python -m pmpc_tui.nl.train.compare_crf
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from pmpc_tui.nl.model import runtime
from pmpc_tui.nl.model.runtime import Gazetteer, token_features
from pmpc_tui.nl.train import vocab
from pmpc_tui.nl.train.generate import generate
from pmpc_tui.nl.train.train import COUNT, SEED, dev_accuracy, split


def main() -> None:
    import pycrfsuite  # the nl-train extra

    world = vocab.world()
    gaz = Gazetteer.build(world.guests, world.nodes, world.storage)
    train_set, test_set = split(generate(COUNT, SEED))
    trainer = pycrfsuite.Trainer(verbose=False)
    for e in train_set:
        trainer.append([token_features(e.tokens, i, gaz) for i in range(len(e.tokens))], e.tags)
    trainer.set_params({"c1": 0.1, "c2": 0.01, "max_iterations": 100})
    path = Path(tempfile.mkdtemp()) / "slots.crfsuite"
    started = time.perf_counter()
    trainer.train(str(path))
    trained = time.perf_counter() - started
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    right = total = 0
    started = time.perf_counter()
    for e in test_set:
        got = tagger.tag([token_features(e.tokens, i, gaz) for i in range(len(e.tokens))])
        for truth, label in zip(e.tags, got, strict=True):
            if truth != "O" or label != "O":
                total += 1
                right += truth == label
    per_request = (time.perf_counter() - started) / len(test_set) * 1000
    print(f"CRF: trained in {trained:.0f} s, {path.stat().st_size // 1024} KiB; held-back slot tokens "
          f"{right / total * 100:.1f} %; {per_request:.2f} ms per request (features + tagging)")

    shipped = runtime.load()

    class WithCrf(runtime.Model):
        def tag(self, tokens: list[str], gaz: Gazetteer) -> list[str]:
            return list(tagger.tag([token_features(tokens, i, gaz) for i in range(len(tokens))]))

    hybrid = WithCrf({"intents": shipped.intents, "tags": shipped.tags, "intent_w": shipped.intent_w,
                      "tag_w": shipped.tag_w, "version": shipped.version})
    print(f"dev set exact, shipped perceptron tagger: {dev_accuracy(shipped) * 100:.1f} %; "
          f"with the CRF tagger: {dev_accuracy(hybrid) * 100:.1f} %")


if __name__ == "__main__":
    main()
