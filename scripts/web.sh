#!/usr/bin/env bash
# The browser page (web/): the gpusim engine compiled to WebAssembly, and a
# static folder that needs no server but a static one.
#
#   bash scripts/web.sh build   # install what is missing, build build/web/site/
#   bash scripts/web.sh serve   # serve build/web/site/ on http://127.0.0.1:8013/ (PORT=… to change)
#   bash scripts/web.sh test    # build, then drive Debian's Chromium headless
#                               # (web/test/: the page against the native gpusim)
#   bash scripts/web.sh bench [--screenshot FILE]   # time one slider move per shipped
#                               # scenario in Chromium (the table of docs/performance.md),
#                               # and take a screenshot
#
# Installs what it needs from Debian (emscripten, chromium, dpkg-dev for
# `dpkg-source`; Node.js and npm when there are none) and npm
# (web/package-lock.json: the charting library, the Markdown renderer,
# puppeteer-core). yaml-cpp for the browser is built from
# Debian's own source package, once, into build/web/yaml-cpp/ (kept between
# runs). Everything lands under build/web/; nothing outside build/ and
# web/node_modules/ is written.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/build/web
jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -gt 2 ] && jobs=2

# WebAssembly exceptions (not emscripten's JavaScript ones), in every object
# and library alike: catch blocks work and a run is about twice as fast.
wasm_flags=-fwasm-exceptions

say() { echo "gpusim web: $*" >&2; }

# yaml-cpp 0.7 from Debian's source package (checked against the signed
# release), compiled with emscripten; installed into build/web/yaml-cpp/.
build_yaml_cpp() {
  local prefix=$out/yaml-cpp
  [ -f "$prefix/install/lib/libyaml-cpp.a" ] && [ "$(cat "$prefix/flags" 2>/dev/null)" = "$wasm_flags" ] && return 0
  say "building yaml-cpp for WebAssembly from Debian's source package"
  rm -rf "$prefix" && mkdir -p "$prefix/lists/partial" "$prefix/src"
  local uri
  uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
  cat > "$prefix/src.sources" <<EOF
Types: deb-src
URIs: $uri
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  local apt_opts=(-o "Dir::Etc::SourceList=$prefix/src.sources" -o Dir::Etc::SourceParts=/dev/null
                  -o "Dir::State::Lists=$prefix/lists" -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -qq
  (cd "$prefix/src" && apt-get "${apt_opts[@]}" source --download-only -qq yaml-cpp >/dev/null \
     && dpkg-source -x --no-check ./*.dsc yaml-cpp >/dev/null)
  NODE_PATH=/usr/share/nodejs emcmake cmake -S "$prefix/src/yaml-cpp" -B "$prefix/build" \
    -DCMAKE_BUILD_TYPE=Release -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF \
    -DYAML_CPP_BUILD_CONTRIB=OFF -DYAML_BUILD_SHARED_LIBS=OFF -DCMAKE_CXX_FLAGS="$wasm_flags" \
    -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node -DCMAKE_INSTALL_PREFIX="$prefix/install" >/dev/null
  cmake --build "$prefix/build" -j"$jobs" >"$prefix/build.log" 2>&1 || { tail -40 "$prefix/build.log"; exit 1; }
  cmake --install "$prefix/build" >/dev/null
  echo "$wasm_flags" > "$prefix/flags"
}

# Header-only libraries staged as symlinks: -I/usr/include breaks emscripten's libc.
stage_headers() {
  mkdir -p "$out/include"
  ln -sfn /usr/include/eigen3/Eigen "$out/include/Eigen"
  ln -sfn /usr/include/nlohmann "$out/include/nlohmann"
}

build() {
  local wanted=(emscripten chromium dpkg-dev)
  command -v node >/dev/null || wanted+=(nodejs)
  command -v npm >/dev/null || wanted+=(npm)
  bash "$root/scripts/install_packages.sh" "${wanted[@]}"
  build_yaml_cpp
  stage_headers
  if [ ! -f "$root/web/node_modules/.package-lock.json" ] || \
     [ "$root/web/package-lock.json" -nt "$root/web/node_modules/.package-lock.json" ]; then
    say "installing npm packages (web/package-lock.json)"
    (cd "$root/web" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  NODE_PATH=/usr/share/nodejs emcmake cmake -S "$root/web" -B "$out/wasm" -DCMAKE_BUILD_TYPE=Release \
    "${launcher[@]}" -Dyaml-cpp_DIR="$out/yaml-cpp/install/lib/cmake/yaml-cpp" \
    -DGPUSIM_WEB_INCLUDE="$out/include" -DGPUSIM_WASM_FLAGS="$wasm_flags" -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node >/dev/null
  NODE_PATH=/usr/share/nodejs cmake --build "$out/wasm" -j"$jobs"
  node "$root/web/bundle.mjs" "$root" "$out/wasm" "$out/site"
  say "built $out/site (open it with: bash scripts/web.sh serve)"
}

case "${1:-}" in
  build) build ;;
  serve) exec node "$root/web/serve.mjs" "$out/site" "${PORT:-8013}" ;;
  test)
    build
    # The tests compare with the native command (GPUSIM_BINARY, or build/sim/gpusim).
    [ -n "${GPUSIM_BINARY:-}" ] || [ -x "$root/build/sim/gpusim" ] || bash scripts/setup.sh gpusim
    cd "$root/web" && exec node --test --test-concurrency=1 test/browser.test.mjs ;;
  bench)
    build
    cd "$root/web" && exec node bench.mjs "${@:2}" ;;
  *) echo "usage: scripts/web.sh build | serve | test | bench [--screenshot FILE]" >&2; exit 2 ;;
esac
