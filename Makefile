# HFI deployment targets (the seed's `make deploy-all` workflow). Build and test the code with npm:
# `npm ci && npm test`. Everything here that talks to a cluster uses the current kubectl context.
#   make help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

OVERLAY        ?= dev
REGISTRY       ?= registry.example.com/hfi
TAG            ?= 0.1.0
NAMESPACE      ?= hfi-system
APP_NAMESPACE  ?= demo
KUBECTL        ?= kubectl
DOCKER         ?= docker
RENDER_DIR     ?= deploy/dist/rendered
KUSTOMIZE_DIR  := deploy/kubernetes
WASM           := packages/plugin/build/hfi-fault-filter.wasm

.PHONY: help build-wasm images push render validate tokens wasm-configmap app-namespace \
        deploy-all undeploy status logs logs-wasm-plugin port-forward

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'
	@echo "  variables: OVERLAY=$(OVERLAY) (dev|production) REGISTRY=$(REGISTRY) TAG=$(TAG) APP_NAMESPACE=$(APP_NAMESPACE)"

build-wasm: ## compile the plugin to $(WASM)
	npm run build:wasm -w @hfi/plugin

images: build-wasm ## docker build both images (not run on the machine these files were written on)
	$(DOCKER) build -f deploy/docker/Dockerfile.control-plane -t $(REGISTRY)/hfi-control-plane:$(TAG) -t hfi-control-plane:$(TAG) .
	$(DOCKER) build -f deploy/docker/Dockerfile.wasm-plugin -t $(REGISTRY)/hfi-wasm-plugin:$(TAG) .

push: ## docker push both images to $(REGISTRY)
	$(DOCKER) push $(REGISTRY)/hfi-control-plane:$(TAG)
	$(DOCKER) push $(REGISTRY)/hfi-wasm-plugin:$(TAG)

render: ## kubectl kustomize every overlay into $(RENDER_DIR)/<overlay>.yaml
	@mkdir -p $(RENDER_DIR)
	@for overlay in $(KUSTOMIZE_DIR)/overlays/*/; do \
	  name=$$(basename $$overlay); \
	  $(KUBECTL) kustomize $$overlay > $(RENDER_DIR)/$$name.yaml; \
	  echo "rendered $(RENDER_DIR)/$$name.yaml"; \
	done

validate: ## the offline deployment checks (= the deploy tests)
	npx tsc -b deploy
	node scripts/test.mjs deploy

tokens: ## create the Secret hfi-control-plane-tokens with random tokens, unless it exists
	@if $(KUBECTL) -n $(NAMESPACE) get secret hfi-control-plane-tokens >/dev/null 2>&1; then \
	  echo "secret $(NAMESPACE)/hfi-control-plane-tokens exists: left as it is"; \
	else \
	  $(KUBECTL) get namespace $(NAMESPACE) >/dev/null 2>&1 || $(KUBECTL) create namespace $(NAMESPACE); \
	  admin=$$(openssl rand -hex 32); read=$$(openssl rand -hex 32); \
	  $(KUBECTL) -n $(NAMESPACE) create secret generic hfi-control-plane-tokens \
	    --from-file=tokens.yaml=<(printf 'admin: "%s"\nread:\n  - "%s"\n' "$$admin" "$$read"); \
	  echo "created $(NAMESPACE)/hfi-control-plane-tokens; read it with:"; \
	  echo "  $(KUBECTL) -n $(NAMESPACE) get secret hfi-control-plane-tokens -o jsonpath='{.data.tokens\.yaml}' | base64 -d"; \
	fi

wasm-configmap: build-wasm ## (dev) load the module into the ConfigMap the wasm-server serves
	@$(KUBECTL) get namespace $(NAMESPACE) >/dev/null 2>&1 || $(KUBECTL) create namespace $(NAMESPACE)
	$(KUBECTL) -n $(NAMESPACE) create configmap hfi-wasm-plugin --from-file=plugin.wasm=$(WASM) \
	  --dry-run=client -o yaml | $(KUBECTL) apply -f -

app-namespace: ## create $(APP_NAMESPACE) with Istio injection on (the WasmPlugin lives there)
	$(KUBECTL) create namespace $(APP_NAMESPACE) --dry-run=client -o yaml | $(KUBECTL) apply -f -
	$(KUBECTL) label namespace $(APP_NAMESPACE) istio-injection=enabled --overwrite

deploy-all: app-namespace ## apply overlays/$(OVERLAY) and wait for the control plane
ifeq ($(OVERLAY),dev)
	$(MAKE) wasm-configmap
else
	$(MAKE) tokens
endif
	$(KUBECTL) apply -k $(KUSTOMIZE_DIR)/overlays/$(OVERLAY)
	$(KUBECTL) -n $(NAMESPACE) rollout status deployment/hfi-control-plane --timeout=180s

undeploy: ## delete what overlays/$(OVERLAY) created, namespace $(NAMESPACE) included (token Secret and etcd volumes go with it)
	$(KUBECTL) delete -k $(KUSTOMIZE_DIR)/overlays/$(OVERLAY) --ignore-not-found

status: ## pods, services and the WasmPlugin
	$(KUBECTL) -n $(NAMESPACE) get deployments,statefulsets,pods,services,poddisruptionbudgets -o wide
	-$(KUBECTL) -n $(APP_NAMESPACE) get wasmplugins

logs: ## follow the control plane's logs
	$(KUBECTL) -n $(NAMESPACE) logs -l app.kubernetes.io/name=hfi-control-plane -f --max-log-requests=10 --prefix

logs-wasm-plugin: ## the plugin's lines in one sidecar (POD=<pod> in $(APP_NAMESPACE))
	$(KUBECTL) -n $(APP_NAMESPACE) logs $(POD) -c istio-proxy | grep -i 'wasm'

port-forward: ## the control plane on 127.0.0.1:8080
	$(KUBECTL) -n $(NAMESPACE) port-forward svc/hfi-control-plane 8080:8080
