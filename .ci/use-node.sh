# shellcheck shell=bash
# Sourced by .ci/run and .ci/render-all: puts Node 24 on PATH when the machine's is older (the
# registry's `node` package ships the real binary for this platform).
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 22 ]; then
  node_dir="${XDG_CACHE_HOME:-$HOME/.cache}/istio-lab/node-$(cat .nvmrc)"
  if [ ! -x "$node_dir/node_modules/node/bin/node" ]; then
    npm install --prefix "$node_dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node@$(cat .nvmrc)"
  fi
  export PATH="$node_dir/node_modules/node/bin:$PATH"
fi
echo "node $(node --version), npm $(npm --version)"
