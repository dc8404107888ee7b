{
  "targets": [
    {
      "target_name": "zkforget_prover",
      "sources": ["src/addon.cpp", "src/formats.cpp", "src/prover.cpp", "src/selftest.cpp"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-O2"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-pthread", "<!@(node cpuflags.mjs)"],
      "ldflags": ["-pthread"]
    }
  ]
}
