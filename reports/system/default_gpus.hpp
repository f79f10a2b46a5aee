#pragma once
// configs/gpus.json as it was when capreport was built (generated into the build tree), so a
// report never depends on where it is run from. --gpus FILE overrides it.
namespace capbench {
extern const char* const kDefaultGpusJson;
}
