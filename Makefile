# The two commands a newcomer types. Both install what they need themselves.
.PHONY: demo test lint

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

lint:
	bash scripts/ensure_uv.sh && uv run ruff check . && uv run ruff format --check . && uv run mypy clientela config && uv run lint-imports
