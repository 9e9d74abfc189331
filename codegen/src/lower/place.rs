//! Where things go: the module of an operation (from its path) and the module and name of a
//! schema (from its name).
//!
//! - Operations: the path without the `/api` or `/rest` prefix, without `com/vmware`, without
//!   parameter segments, each segment in snake_case: `/api/vcenter/vm/{vm}/hardware/disk` is
//!   `vcenter::vm::hardware::disk`; `/rest/com/vmware/cis/tagging/tag/id:{tag_id}` is
//!   `cis::tagging::tag`.
//! - Dotted schema names split at the dots: `Appliance.Recovery.Reconciliation.Job.Info` is type
//!   `Info` in `appliance::recovery::reconciliation::job`; `vcenter.VM.info` is `Info` in
//!   `vcenter::vm`.
//! - A CamelCase name whose folded form equals a dotted name's (in any input file) takes that
//!   dotted name's place: `VcenterVMInfo` meets `vcenter.VM.info`.
//! - Any other CamelCase name is split after its longest leading run of words that names a known
//!   module (from paths and dotted names): `VcenterVmHardwareDiskInfo` is `Info` in
//!   `vcenter::vm::hardware::disk`. A name with no such run goes to a module named after its
//!   first word.

use std::collections::{BTreeMap, BTreeSet};

use super::ops::OpSite;
use super::{schema_names, vapi};
use crate::ir::ModPath;
use crate::load::Document;
use crate::names::{self, ROOT_SERVICE, segment};

/// Decides modules and names for schemas.
#[derive(Debug, Default)]
pub struct Placer {
    /// Folded dotted name to the dotted name.
    dotted: BTreeMap<String, String>,
    /// Folded module path (segments concatenated) to the module path.
    modules: BTreeMap<String, ModPath>,
}

/// Whether a schema name is in the `/rest` naming scheme of the 7.0 specs: dotted, lowercase
/// first (`vapi.std.errors.not_found`, `vcenter.VM_resp`), as opposed to the `/api` scheme
/// (`VapiStdErrorsNotFound`) and the 9.x dotted scheme (`Vapi.Std.Errors.NotFound`).
pub fn rest_scheme(name: &str) -> bool {
    name.contains('.') && name.starts_with(|c: char| c.is_ascii_lowercase())
}

/// The module of an operation path (see the module docs). Empty for `/api` itself.
pub fn operation_module(full_path: &str) -> ModPath {
    let path = full_path.split('?').next().unwrap_or(full_path);
    let mut segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if matches!(segs.first(), Some(&"api") | Some(&"rest")) {
        segs.remove(0);
    }
    if segs.len() >= 2 && segs[0] == "com" && segs[1] == "vmware" {
        segs.drain(..2);
    }
    let module: ModPath = segs
        .iter()
        .filter(|s| !s.contains('{') && !s.contains('}'))
        .enumerate()
        .map(|(i, s)| segment(s, i == 0))
        .collect();
    if module.is_empty() { vec![ROOT_SERVICE.to_owned()] } else { module }
}

/// Teaches the placer every module: those of the operations, those that dotted schema names
/// spell, and the home of the vAPI standard errors.
pub(crate) fn learn(placer: &mut Placer, docs: &[Document], sites: &[OpSite]) {
    for module in vapi::MODULES {
        placer.add_module(&module.iter().map(|s| (*s).to_owned()).collect());
    }
    let modules: BTreeSet<&ModPath> = sites.iter().map(|s| &s.module).collect();
    for module in modules {
        placer.add_module(module);
    }
    // Dotted names share their modules (`vcenter.vm.hardware.*`): each module is learnt once.
    let mut dotted_modules = BTreeSet::new();
    for d in docs {
        for name in schema_names(d) {
            let parts: Vec<&str> = name.split('.').filter(|p| !p.is_empty()).collect();
            let new_module = parts.len() < 2 || dotted_modules.insert(parts[..parts.len() - 1].join("."));
            placer.add_schema_name(name, new_module);
        }
    }
}

impl Placer {
    /// Learns the module of an operation.
    pub fn add_module(&mut self, module: &ModPath) {
        for len in 1..=module.len() {
            let prefix = &module[..len];
            self.modules.entry(names::fold(&prefix.concat())).or_insert_with(|| prefix.to_vec());
        }
    }

    /// Learns a schema name (dotted names teach modules and twins); `new_module`: its module may
    /// not be learnt yet.
    pub fn add_schema_name(&mut self, name: &str, new_module: bool) {
        if name.contains('.') {
            self.dotted.entry(names::fold(name)).or_insert_with(|| name.to_owned());
            if new_module {
                let (module, _) = split_dotted(name);
                self.add_module(&module);
            }
        }
    }

    /// The module and type name of a component schema.
    pub fn place(&self, name: &str) -> (ModPath, String) {
        if name.contains('.') {
            return split_dotted(name);
        }
        if let Some(dotted) = self.dotted.get(&names::fold(name)) {
            return split_dotted(dotted);
        }
        let mut words: Vec<String> = names::camel_words(name).into_iter().map(str::to_owned).collect();
        if let Some(namespace) = words.first().and_then(|w| self.namespace_alias(w)) {
            words[0] = namespace;
        }
        for k in (1..words.len()).rev() {
            if let Some(module) = self.modules.get(&names::fold(&words[..k].concat())) {
                return (module.clone(), names::camel(&words[k..].concat()));
            }
        }
        match words.split_first() {
            Some((first, rest)) if !rest.is_empty() => (vec![segment(first, true)], names::camel(&rest.concat())),
            _ => (vec![segment(name, true)], names::camel(name)),
        }
    }
}

impl Placer {
    /// The namespace a leading word spells with a one-letter prefix, when the word itself names
    /// no module: the vAPI package `vstats` serves the `stats` namespace (`VstatsAcqSpecsInfo`
    /// is `stats::acq_specs::Info`).
    fn namespace_alias(&self, word: &str) -> Option<String> {
        let folded = names::fold(word);
        if self.modules.contains_key(&folded) {
            return None;
        }
        let rest = folded.get(1..).filter(|r| !r.is_empty())?;
        self.modules.get(rest).filter(|m| m.len() == 1).map(|m| m[0].clone())
    }
}

/// `a.b.C_d` is `C_d` (as `CD`) in `a::b`; a leading or trailing dot is ignored.
fn split_dotted(name: &str) -> (ModPath, String) {
    let parts: Vec<&str> = name.split('.').filter(|p| !p.is_empty()).collect();
    match parts.split_last() {
        Some((last, module)) if !module.is_empty() => {
            (module.iter().enumerate().map(|(i, p)| segment(p, i == 0)).collect(), names::camel(last))
        }
        Some((last, _)) => (vec![segment(last, true)], names::camel(last)),
        None => (vec!["types".to_owned()], "Unnamed".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_modules() {
        assert_eq!(
            operation_module("/api/appliance/recovery/reconciliation/job"),
            ["appliance", "recovery", "reconciliation", "job"]
        );
        assert_eq!(
            operation_module("/api/vcenter/vm/{vm}/hardware/disk/{disk}"),
            ["vcenter", "vm", "hardware", "disk"]
        );
        assert_eq!(
            operation_module("/rest/com/vmware/cis/tagging/tag/id:{tag_id}?~action=add-to-used-by"),
            ["cis", "tagging", "tag"]
        );
        assert_eq!(
            operation_module("/api/vcenter/certificate-management/vcenter/tls"),
            ["vcenter", "certificate_management", "vcenter", "tls"]
        );
        assert_eq!(operation_module("/api/runtime/x"), ["runtime_", "x"]);
        assert_eq!(operation_module("/api/client/x"), ["client_", "x"]);
        assert_eq!(operation_module("/api"), ["root"]);
        assert_eq!(operation_module("/{id}"), ["root"]);
    }

    #[test]
    fn schema_places() {
        let mut placer = Placer::default();
        placer.add_module(&operation_module("/api/vcenter/vm/{vm}/hardware/disk"));
        for name in ["vcenter.VM.info", "vapi.std.errors.error.type", "vapi.std.dynamic_ID"] {
            placer.add_schema_name(name, true);
        }
        let place = |n: &str| {
            let (m, t) = placer.place(n);
            format!("{}::{t}", m.join("::"))
        };
        assert_eq!(
            place("Appliance.Recovery.Reconciliation.Job.Info"),
            "appliance::recovery::reconciliation::job::Info"
        );
        assert_eq!(place("vcenter.VM.info"), "vcenter::vm::Info");
        assert_eq!(place("VcenterVMInfo"), "vcenter::vm::Info");
        assert_eq!(place("VapiStdErrorsErrorType"), "vapi::std::errors::error::Type");
        assert_eq!(place("VapiStdDynamicID"), "vapi::std::DynamicId");
        assert_eq!(place("VcenterVmHardwareDiskInfo"), "vcenter::vm::hardware::disk::Info");
        assert_eq!(place("VapiStdErrorsNotFound"), "vapi::std::errors::NotFound");
        assert_eq!(place("Oauth2ErrorsErrorType"), "oauth2::ErrorsErrorType");
        // The vAPI standard errors have their home without any other `vapi` name in the input.
        let mut bare = Placer::default();
        for module in vapi::MODULES {
            bare.add_module(&module.iter().map(|s| (*s).to_owned()).collect());
        }
        assert_eq!(
            bare.place("VapiStdErrorsNotFound"),
            (vec!["vapi".into(), "std".into(), "errors".into()], "NotFound".into())
        );
    }

    #[test]
    fn one_letter_package_prefixes_name_their_namespace() {
        let mut placer = Placer::default();
        placer.add_module(&operation_module("/api/stats/acq-specs/{id}"));
        let place = |n: &str| {
            let (m, t) = placer.place(n);
            format!("{}::{t}", m.join("::"))
        };
        assert_eq!(place("VstatsAcqSpecsInfo"), "stats::acq_specs::Info");
        assert_eq!(place("VstatsCidMid"), "stats::CidMid");
        assert_eq!(place("StatsAcqSpecsInfo"), "stats::acq_specs::Info");
        assert_eq!(place("XyzInfo"), "xyz::Info");
    }
}
