//! Unit tests of the model's parts: contexts, provenance, the call graph.

use super::krate::{CrateModel, Exec, SyncRoot, Target};
use super::sites::{Site, SiteKind};
use super::{CrateInfo, FileModel, Flavor};
use crate::{analyze_file, FileInput};

fn model(sources: &[(&str, &[&str])]) -> (CrateInfo, Vec<FileModel>) {
    let krate = CrateInfo {
        kind: super::CrateKind::Bin,
        ..CrateInfo::default()
    };
    let files = sources
        .iter()
        .map(|(source, module)| {
            let module: Vec<String> = module.iter().map(|s| s.to_string()).collect();
            let analysis = analyze_file(
                &krate,
                FileInput {
                    path: "test.rs",
                    source,
                    module_path: &module,
                },
            );
            assert!(analysis.model.parsed, "does not parse: {source}");
            analysis.model
        })
        .collect();
    (krate, files)
}

/// The call whose callee text (or method name) is `name`, in file 0.
fn call(files: &[FileModel], name: &str) -> usize {
    files[0]
        .calls
        .iter()
        .position(|c| match &c.callee {
            super::Callee::Path { text, .. } => text == name,
            super::Callee::Method { name: n, .. } => n == name,
        })
        .unwrap_or_else(|| panic!("no call `{name}`"))
}

fn exec_of(src: &str, name: &str) -> Exec {
    let (krate, files) = model(&[(src, &[])]);
    let cm = CrateModel::new(&krate, &files, &[]);
    let id = call(&files, name);
    cm.exec(0, files[0].calls[id].ctx)
}

/// The sites of a fn's body.
fn sites_of_fn(cm: &CrateModel<'_>, files: &[FileModel], f: (usize, usize)) -> Vec<Site> {
    let body = files[f.0].fns[f.1].body.expect("a body");
    cm.sites(f.0, body)
}

#[test]
fn contexts() {
    let src = r#"
        async fn a() { probe_a(); }
        fn main() { probe_main(); std::thread::spawn(|| probe_thread()); }
        fn plain() { let _f = || probe_stored(); [1].iter().map(|x| probe_map(*x)); }
        #[tokio::test] async fn t() { probe_test_entry(); }
        #[test] fn t2() { probe_test(); }
        async fn b() { tokio::task::spawn_blocking(|| probe_blocking()); }
    "#;
    assert!(matches!(exec_of(src, "probe_a"), Exec::Async { .. }));
    assert!(matches!(
        exec_of(src, "probe_main"),
        Exec::Sync {
            root: Some(SyncRoot::Main),
            ..
        }
    ));
    assert!(matches!(
        exec_of(src, "probe_thread"),
        Exec::Sync {
            root: Some(SyncRoot::Thread),
            ..
        }
    ));
    assert_eq!(exec_of(src, "probe_stored"), Exec::Unknown);
    assert!(matches!(
        exec_of(src, "probe_map"),
        Exec::Sync { root: None, .. }
    ));
    match exec_of(src, "probe_test_entry") {
        Exec::Async { runtime, .. } => assert_eq!(runtime.flavor, Flavor::CurrentThread),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        exec_of(src, "probe_test"),
        Exec::Sync {
            root: Some(SyncRoot::Test),
            ..
        }
    ));
    assert!(matches!(
        exec_of(src, "probe_blocking"),
        Exec::Sync {
            root: Some(SyncRoot::Blocking),
            ..
        }
    ));
}

#[test]
fn flavors_follow_drivers_and_agreeing_callers() {
    let src = r#"
        use tokio::runtime::Builder;
        fn main() {
            let rt = Builder::new_current_thread().build().unwrap();
            rt.block_on(async { probe_block(); run().await });
            let local = tokio::task::LocalSet::new();
            rt.block_on(local.run_until(async { probe_local(); }));
        }
        async fn run() { probe_run(); }
    "#;
    let (krate, files) = model(&[(src, &[])]);
    let cm = CrateModel::new(&krate, &files, &[]);
    let flavors = |name| -> Vec<Flavor> {
        let id = call(&files, name);
        cm.call_sites(0, id)
            .iter()
            .filter_map(|s| s.kind.runtime().map(|r| r.flavor))
            .collect()
    };
    assert_eq!(flavors("probe_block"), [Flavor::CurrentThread]);
    assert_eq!(flavors("probe_local"), [Flavor::Local]);
    assert_eq!(flavors("probe_run"), [Flavor::CurrentThread]);
}

#[test]
fn provenance_through_fields_returns_statics_and_aliases() {
    let src = r#"
        use std::sync::{Arc, OnceLock};
        use tokio::runtime::Runtime as Rt;
        struct Inner { rt: Arc<Rt> }
        struct Outer { inner: Inner }
        static RT: OnceLock<Rt> = OnceLock::new();
        fn make() -> std::io::Result<Rt> { Rt::new() }
        impl Outer {
            fn go(&self) {
                self.inner.rt.via_field();
                make().unwrap().via_return();
                RT.get().unwrap().via_static();
                let (tx, _rx) = tokio::sync::mpsc::channel::<u8>(1);
                tx.via_tuple();
                let alias = Arc::new(make().unwrap()).clone();
                alias.via_alias();
            }
        }
    "#;
    let (krate, files) = model(&[(src, &[])]);
    let cm = CrateModel::new(&krate, &files, &[]);
    let ty = |name| cm.receiver_ty(0, call(&files, name));
    for name in ["via_field", "via_return", "via_static", "via_alias"] {
        assert!(
            ty(name).is_some_and(|t| t.is("tokio::runtime::Runtime")),
            "{name}: {:?}",
            ty(name)
        );
    }
    assert!(ty("via_tuple").is_some_and(|t| t.is("tokio::sync::mpsc::Sender")));
    assert_eq!(
        cm.receiver_ty(0, call(&files, "via_field"))
            .map(|t| t.flavor()),
        Some(Flavor::Unknown)
    );
}

#[test]
fn calls_resolve_across_files_and_reexports() {
    let root = r#"
        mod util;
        pub use util::helper as renamed;
        async fn serve() { crate::renamed(); util::Conn::open(); }
    "#;
    let util = r#"
        pub fn helper() { deeper(); }
        fn deeper() {}
        pub struct Conn;
        impl Conn { pub fn open() {} }
    "#;
    let (krate, files) = model(&[(root, &[]), (util, &["util"])]);
    let cm = CrateModel::new(&krate, &files, &[]);
    let target = |name| cm.target(0, call(&files, name)).clone();
    assert!(matches!(
        target("crate::renamed"),
        Target::Fn {
            fn_ref: (1, 0),
            certain: true
        }
    ));
    assert!(matches!(
        target("util::Conn::open"),
        Target::Fn {
            fn_ref: (1, 2),
            certain: true
        }
    ));
    // `helper` and, through it, `deeper` are reached from async code.
    let deeper = sites_of_fn(&cm, &files, (1, 1));
    assert_eq!(deeper.len(), 1);
    assert!(matches!(deeper[0].kind, SiteKind::Async(_)));
    assert_eq!(cm.site_notes(&deeper[0]).len(), 2);
}

#[test]
fn recursion_and_cycles_terminate() {
    let src = r#"
        fn a() { b(); }
        fn b() { a(); c(); }
        fn c() { c(); }
        async fn start() { a(); }
        async fn ping() { pong().await }
        async fn pong() { ping().await }
    "#;
    let (krate, files) = model(&[(src, &[])]);
    let cm = CrateModel::new(&krate, &files, &[]);
    for f in 0..3 {
        let sites = sites_of_fn(&cm, &files, (0, f));
        assert!(
            sites.iter().any(|s| matches!(s.kind, SiteKind::Async(_))),
            "fn {f}"
        );
        assert!(!cm.site_notes(&sites[0]).is_empty());
    }
    // Async fns that only call each other run on some executor all the same.
    for f in 4..6 {
        assert!(!sites_of_fn(&cm, &files, (0, f)).is_empty());
    }
}

#[test]
fn shadowing_stops_resolution() {
    let src = r#"
        use tokio::spawn;
        fn main() {
            let spawn = |f: u8| f;
            spawn(1);
        }
        mod tokio { pub fn spawn() {} }
        fn other() { tokio::spawn(); }
    "#;
    let (krate, files) = model(&[(src, &[])]);
    let cm = CrateModel::new(&krate, &files, &[]);
    let calls = &files[0].calls;
    let shadowed = calls
        .iter()
        .position(|c| matches!(&c.callee, super::Callee::Path { text, .. } if text == "spawn"))
        .unwrap();
    assert_eq!(*cm.target(0, shadowed), Target::Unknown);
    let own = call(&files, "tokio::spawn");
    assert!(matches!(cm.target(0, own), Target::Fn { .. }));
}
