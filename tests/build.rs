//! Nothing to build: this script exists so that the `workspace` feature of the regenerate shim,
//! a build dependency here, unifies with `vsphere-api`'s own build dependency on it.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
}
