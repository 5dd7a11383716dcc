#include "commands.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "config.hpp"
#include "registry.hpp"
#include "run.hpp"
#include "schema_export.hpp"
#include "yaml_tree.hpp"

namespace mindset {

int report_current_exception() {
  try {
    throw;
  } catch (const UserError& e) {
    for (const auto& d : e.diagnostics()) std::fprintf(stderr, "error: %s\n", d.str().c_str());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

int cmd_train(const TrainArgs& a) {
  try {
    Experiment e = load_experiment(a.config, a.overrides);
    RunOptions opts;
    opts.quiet = a.quiet;
    opts.resume = a.resume;
    opts.log_json = a.log_json;
    opts.progress_bar = ::isatty(STDERR_FILENO) && !a.log_json;
    RunSummary r = run_experiment(e, a.output.empty() ? default_output(e) : a.output, opts);
    if (!a.quiet) {
      if (r.already_complete) std::printf("%s: already %s, nothing to do (%s)\n", e.name.c_str(), r.status.c_str(),
                                          r.stop_reason.c_str());
      std::printf("%s: train %s %.4f", e.name.c_str(), r.metric.c_str(), r.train_metric);
      if (r.test_metric) std::printf(", test %s %.4f", r.metric.c_str(), *r.test_metric);
      std::printf(" (final cost %.6f)\nresults: %s\n", r.final_cost, r.output.c_str());
      if (r.status == "diverged" && !r.already_complete)
        std::fprintf(stderr, "%s: status diverged (exit 3); the last finite parameters are in %s\n", e.name.c_str(),
                     r.output.c_str());
      if (r.status == "interrupted")
        std::fprintf(stderr, "%s: status interrupted; checkpoint %s; continue with: mindset train %s -o %s --resume\n",
                     e.name.c_str(), r.checkpoint.c_str(), a.config.c_str(), r.output.c_str());
    }
    return exit_code(r);
  } catch (...) {
    return report_current_exception();
  }
}

int cmd_validate(const ValidateArgs& a) {
  try {
    Experiment e = load_experiment(a.config, a.overrides);
    if (a.resolved) std::cout << e.yaml();
    else std::printf("%s: ok\n", a.config.c_str());
    return 0;
  } catch (...) {
    return report_current_exception();
  }
}

int cmd_list(const std::string& kind) {
  std::vector<RegistryBase*> regs;
  if (kind.empty()) {
    regs = all_registries();
  } else if (RegistryBase* r = find_registry(kind)) {
    regs.push_back(r);
  } else {
    std::vector<std::string> kinds;
    for (RegistryBase* r : all_registries())  // what to type: "layers", "data" (not "data sources")
      kinds.push_back(r->plural().find(' ') == std::string::npos ? r->plural() : r->kind());
    std::string best = closest_match(kind, kinds);
    std::string all;
    for (const auto& k : kinds) all += (all.empty() ? "" : ", ") + k;
    std::fprintf(stderr, "error: unknown kind '%s'%s; known: %s\n", kind.c_str(),
                 best.empty() ? "" : (" (did you mean '" + best + "'?)").c_str(), all.c_str());
    return 2;
  }
  for (RegistryBase* r : regs) {
    if (regs.size() > 1) std::printf("%s%s:\n", r == regs.front() ? "" : "\n", r->plural().c_str());
    for (const TypeInfo* t : r->types()) {
      std::printf("  %-22s %s\n", t->name.c_str(), t->description.c_str());
      for (const Field& f : t->options.fields) {
        std::string def = spec_default_text(f.spec);
        if (def.empty()) def = "optional";
        else if (def != "required") def = "default " + def;
        std::printf("      %-18s %s [%s; %s]\n", f.key.c_str(), f.spec.doc.c_str(), spec_type_text(f.spec).c_str(),
                    def.c_str());
      }
    }
  }
  return 0;
}

int cmd_schema(bool markdown) {
  try {
    std::fputs(markdown ? config_reference_markdown().c_str() : json_schema_text().c_str(), stdout);
    return 0;
  } catch (...) {
    return report_current_exception();
  }
}

}  // namespace mindset
