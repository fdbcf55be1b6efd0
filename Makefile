# The two set-up commands of the README. Both create .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.eks-access-installed

.PHONY: plan test lint e2e policy-pack clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

plan: $(STAMP)
	$(BIN)/eks-access plan --stack dev --out build/dev

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy --strict -p eks_access
	$(BIN)/mypy tests benchmarks policies/__main__.py __main__.py

test: lint
	$(BIN)/python -m pytest -q

# Optional, never in CI: the analyzer against a real kube-apiserver (tests/e2e, README
# "Verifying against a real API server"). Needs etcd, kube-apiserver and kube-controller-manager in
# KUBEBUILDER_ASSETS; fails (never skips) without them. Then the same tests again against each modern
# release whose KUBEBUILDER_ASSETS_1_29 / _1_30 / _1_33 / _1_34 / _1_35 / _1_36 is set (bash
# tools/kube-apiserver-modern/setup.sh prints it; an OpenShift build, see tests/e2e/openshift.py).
E2E_MODERN := 1_29 1_30 1_33 1_34 1_35 1_36
e2e: $(STAMP)
	@test -n "$$KUBEBUILDER_ASSETS" || { echo "make e2e: KUBEBUILDER_ASSETS is not set (bash ../shared/tools/kube-apiserver/setup.sh prints it)" >&2; exit 2; }
	@for d in "$$KUBEBUILDER_ASSETS" $(foreach v,$(E2E_MODERN),$${KUBEBUILDER_ASSETS_$(v)}); do for b in etcd kube-apiserver kube-controller-manager; do test -x "$$d/$$b" || { echo "make e2e: $$d/$$b is missing" >&2; exit 2; }; done; done
	$(BIN)/python -m pytest -o addopts="-ra -p no:warnings" -s tests/e2e
	@$(foreach v,$(E2E_MODERN),if [ -n "$${KUBEBUILDER_ASSETS_$(v)}" ]; then echo "make e2e: again with KUBEBUILDER_ASSETS=$${KUBEBUILDER_ASSETS_$(v)}"; KUBEBUILDER_ASSETS="$${KUBEBUILDER_ASSETS_$(v)}" $(BIN)/python -m pytest -o addopts="-ra -p no:warnings" -s tests/e2e || exit 1; else echo "make e2e: KUBEBUILDER_ASSETS_$(v) not set: Kubernetes $(subst _,.,$(v)) not compared (KUBE_MINOR=$(subst _,.,$(v)) bash tools/kube-apiserver-modern/setup.sh)"; fi;)

# The policy pack's own virtualenv (PulumiPolicy.yaml: virtualenv: venv). Pulumi does not create it
# for a local pack (`pulumi preview --policy-pack policies` fails naming the missing venv), so make
# it here, the way `pulumi install` in policies/ would: pip from inside the pack directory, where
# requirements.txt's `-e ..` is this repository.
policy-pack:
	test -x policies/venv/bin/python || $(PYTHON) -m venv policies/venv
	cd policies && venv/bin/python -m pip install --quiet --upgrade pip
	cd policies && venv/bin/python -m pip install --quiet -r requirements.txt

clean:
	rm -rf build .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache
