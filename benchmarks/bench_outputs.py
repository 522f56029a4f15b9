"""How fast vmatrix starts and answers, against `python -c "import typer, rich"`.

Builds two corpora with the store API (no spaCy, no ingest): one shaped like the bundled
example corpus (8 interviews, about 50 coded verbatims and their suggestions) and a
synthetic one of 2,000 documents and 50,000 codes. Each command runs as a subprocess,
the way a researcher runs it, several times in turn with the baseline; the script prints
the median wall times and their ratio to the baseline.

Targets: on the example-sized corpus, `--help`, `matrix --format csv`,
`quote --format json` and `docs --format csv` at most 1.3 × the baseline, the rich table
of `matrix` at most 1.8 ×, the other commands at most 1.5 ×; on the 50,000-code corpus,
under 2 s.

Python is run with bytecode caching on (in a temporary folder), as in an installed
package, even where PYTHONDONTWRITEBYTECODE is set.

On a busy machine wall times drift; ``--instructions`` also counts the instructions each
example-sized command runs (valgrind's callgrind, when installed), which do not. Their
ratios run higher than the wall-time ones: they weigh the interpreter's work alone, not
the process start-up that the baseline pays as much as any command.

    python benchmarks/bench_outputs.py [--repeat 10] [--instructions]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vmatrix.coding.codebook import default_path, load_codebook  # noqa: E402
from vmatrix.corpus.store import CodeRow, Corpus, Document, SegmentRow, SuggestionRow  # noqa: E402

SENTENCES = [
    "On gagne du temps, les clients commandent à distance depuis le site.",
    "Le logiciel nous évite des erreurs de saisie et tout est sauvegardé chaque nuit.",
    "Sur les réseaux sociaux on partage nos réalisations avec la communauté.",
    "Ça donne une image sérieuse de l’entreprise, les clients nous font confiance.",
    "Avec la visioconférence je suis disponible même quand je suis sur un chantier.",
    "On a appris plein de choses en formation, c’était nouveau pour nous.",
    "Le paiement sécurisé rassure les clients, il n’y a plus de litiges.",
    "Les rencontres du réseau permettent d’échanger entre dirigeants du coin.",
    "On propose maintenant des produits sur mesure, configurés en ligne.",
    "Nos salariés travaillent de façon plus autonome avec l’ERP.",
    "Franchement au début je n’y croyais pas, on a toujours fait comme ça.",
    "Les fournisseurs reçoivent les commandes par EDI, c’est plus fiable.",
]
TOOLS = [
    "site-web",
    "erp",
    "crm",
    "edi",
    "visioconference",
    "reseaux-sociaux",
    "messagerie",
    "marketplace",
    "paiement-securise",
    "dematerialisation",
    "formation",
    "rencontres-reseau",
]
LEVERS = ["cluster", "offer", "value-chain"]
INITIATORS = ["entreprise", "réseau", "CCI", "consultant", "prestataire"]
BENEFICIARIES = ["clients", "fournisseurs", "salariés", "partenaires", "écosystème"]
SECTORS = ["menuiserie", "viticulture", "transport", "boulangerie", "mécanique", "textile", "conseil"]


def build(path: Path, documents: int, codes_per_document: int, turns: int, values: list[str]) -> int:
    """A corpus of ``documents`` interviews of ``turns`` speaker turns each; returns the codes stored."""
    rng = random.Random(documents)
    codes: list[CodeRow] = []
    suggestions: list[SuggestionRow] = []
    with Corpus(path, create=True) as corpus, corpus.transaction():
        for d in range(1, documents + 1):
            doc_id = f"entretien-{d:04d}" if documents > 99 else f"entretien-{d:02d}"
            text, segments = "", []
            for t in range(turns):
                speaker = "Q" if t % 2 == 0 else "R"
                said = " ".join(rng.sample(SENTENCES, 3 if speaker == "R" else 1))
                if text:
                    text += "\n\n"
                start = len(text) + len(speaker) + 3
                text += f"{speaker}\u00a0: {said}"
                segments.append(
                    SegmentRow(doc_id, t, speaker, start, len(text), None, None, len(said.split()))
                )
            role = "expert" if d % 4 == 0 else "dirigeant"
            corpus.put_document(
                Document(
                    id=doc_id,
                    label=f"Entretien {d}",
                    number=str(d),
                    source=f"{doc_id}.txt",
                    format="txt",
                    encoding="utf-8",
                    sha256=hashlib.sha256(text.encode()).hexdigest(),
                    words=len(text.split()),
                    attributes={
                        "role": role,
                        "sector": rng.choice(SECTORS),
                        "duration": str(rng.randint(20, 90)),
                    },
                ),
                text,
            )
            corpus.put_segments(doc_id, segments)
            answers = [s for s in segments if s.speaker == "R"]
            for k in range(codes_per_document):
                segment = answers[k % len(answers)]
                start = segment.start + rng.randint(0, 20)
                end = min(segment.end, start + rng.randint(60, 160))
                chosen = rng.sample(values, rng.choice([1, 1, 2, 2, 3]))
                codes.append(
                    CodeRow(
                        sheet="codes",
                        row=len(codes) + 2,
                        document_id=doc_id,
                        start=start,
                        end=end,
                        values=chosen,
                        facets={
                            "tool": [rng.choice(TOOLS)],
                            "lever": [rng.choice(LEVERS)],
                            "initiator": [rng.choice(INITIATORS)],
                            "beneficiary": [rng.choice(BENEFICIARIES)],
                        },
                        quote=text[start:end],
                        anchored_text=text[start:end],
                        coder="A",
                        anchor_kind="exact",
                        anchor_score=1.0,
                        status="orphaned" if rng.random() < 0.01 else "anchored",
                    )
                )
            for segment in answers:
                for value in rng.sample(values, rng.choice([0, 1, 1, 2])):
                    at = segment.start + 5
                    evidence = [
                        {"text": "temps", "term": "temps", "start": at, "end": at + 5, "negated": False}
                    ]
                    suggestions.append(SuggestionRow(doc_id, segment.index, value, 0.7, evidence, "fr"))
        corpus.replace_sheet("codes", "codes.csv", "0" * 64, codes)
        corpus.replace_suggestions(corpus.document_ids(), values, suggestions)
    return len(codes)


def timed(commands: dict[str, list[str]], repeat: int, env: dict[str, str]) -> dict[str, float]:
    """Median wall time of each command, the commands taking turns."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for name, command in commands.items():  # warm-up: bytecode, disk cache
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True)
        if done.returncode != 0:
            sys.exit(f"{name} failed:\n{done.stderr.decode()}")
    for _ in range(repeat):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def instructions(commands: dict[str, list[str]], env: dict[str, str]) -> dict[str, int]:
    """Instructions each command runs, counted by valgrind's callgrind (steady under load)."""
    import re
    import shutil

    if shutil.which("valgrind") is None:
        sys.exit("--instructions needs valgrind (apt-get install valgrind)")
    counts = {}
    for name, command in commands.items():
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        found = re.search(r"Collected : (\d+)", done.stderr)
        if found is None:
            sys.exit(f"{name}: callgrind gave no count:\n{done.stderr[-2000:]}")
        counts[name] = int(found.group(1))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs of each command (median)")
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions (needs valgrind)"
    )
    args = parser.parse_args()
    python = sys.executable
    codebook = default_path()
    if not codebook.exists():
        codebook = ROOT / "tests" / "data" / "codebook.toml"
    values = load_codebook(codebook).value_ids
    with tempfile.TemporaryDirectory(prefix="vmatrix-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        small, large = Path(tmp) / "example.db", Path(tmp) / "large.db"
        started = time.perf_counter()
        n_small = build(small, 8, 6, 30, values)
        n_large = build(large, 2000, 25, 40, values)
        print(
            f"corpora built in {time.perf_counter() - started:.1f} s: "
            f"example-sized 8 documents / {n_small} codes; large 2,000 documents / {n_large:,} codes"
        )

        def vm(db: Path, *rest: str) -> list[str]:
            return [python, "-m", "vmatrix", "-C", str(db), *rest, "--codebook", str(codebook)]

        baseline = "python -c 'import typer, rich'"
        # name: (command, target ratio to the baseline)
        cases: dict[str, tuple[list[str], float]] = {
            baseline: ([python, "-c", "import typer, rich"], 1.0),
            "--help": ([python, "-m", "vmatrix", "--help"], 1.3),
            "matrix --format csv": (vm(small, "matrix", "--format", "csv"), 1.3),
            "quote --value localisation -f json": (
                vm(small, "quote", "--value", "localisation", "-f", "json"),
                1.3,
            ),
            "docs --format csv": (
                [python, "-m", "vmatrix", "-C", str(small), "docs", "--format", "csv"],
                1.3,
            ),
            "matrix (rich table, piped)": (vm(small, "matrix"), 1.8),
            "matrix --unit tool --marks -f markdown": (
                vm(small, "matrix", "--unit", "tool", "--marks", "-f", "markdown"),
                1.5,
            ),
            "matrix --stats -f csv": (vm(small, "matrix", "--stats", "-f", "csv"), 1.5),
            "quote --value localisation": (vm(small, "quote", "--value", "localisation"), 1.5),
        }
        results = timed({name: command for name, (command, _) in cases.items()}, args.repeat, env)
        base = results[baseline]
        print(f"\nExample-sized corpus (median of {args.repeat}, ratio to the baseline and its target)")
        for name, seconds in results.items():
            ratio, target = seconds / base, cases[name][1]
            verdict = "" if name == baseline else ("ok" if ratio <= target else "SLOW")
            print(f"  {name:42} {seconds * 1000:7.1f} ms  {ratio:5.2f} × (≤ {target}) {verdict}")

        if args.instructions:
            counts = instructions({name: command for name, (command, _) in cases.items()}, env)
            print("\nExample-sized corpus, instructions run (valgrind callgrind), ratio to the baseline")
            for name, count in counts.items():
                print(f"  {name:42} {count / 1e6:7.1f} M  {count / counts[baseline]:5.2f} ×")

        commands = {
            "matrix --format csv": vm(large, "matrix", "--format", "csv"),
            "matrix --unit tool": vm(large, "matrix", "--unit", "tool"),
            "matrix --unit document --split role -f csv": vm(
                large, "matrix", "--unit", "document", "--split", "role", "-f", "csv"
            ),
            "matrix --rows tool --cols role --percent row": vm(
                large, "matrix", "--rows", "tool", "--cols", "role", "--percent", "row"
            ),
            "matrix --stats -f csv": vm(large, "matrix", "--stats", "-f", "csv"),
            "quote --value localisation --limit 20": vm(
                large, "quote", "--value", "localisation", "--limit", "20"
            ),
            "quote --value localisation -f json (all)": vm(
                large, "quote", "--value", "localisation", "-f", "json"
            ),
        }
        repeat = max(3, args.repeat // 3)
        results = timed(commands, repeat, env)
        print(f"\n2,000 documents, {n_large:,} codes (median of {repeat}; target < 2 s)")
        for name, seconds in results.items():
            print(f"  {name:46} {seconds:6.2f} s  {'ok' if seconds < 2 else 'SLOW'}")


if __name__ == "__main__":
    main()
