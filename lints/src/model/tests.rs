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

/// The flavors of a fn body's sites that are async, sorted for comparison.
fn async_flavors(cm: &CrateModel<'_>, files: &[FileModel], f: (usize, usize)) -> Vec<Flavor> {
    let mut flavors: Vec<Flavor> = sites_of_fn(cm, files, f)
        .iter()
        .filter_map(|s| s.kind.runtime().map(|r| r.flavor))
        .collect();
    flavors.sort_by_key(|f| format!("{f:?}"));
    flavors
}

#[test]
fn a_fn_has_a_site_per_path_with_its_chain() {
    let src = r#"
        fn helper() {}
        fn middle() { helper(); }
        #[tokio::test] async fn in_a_test() { middle(); }
        #[tokio::main] async fn main_entry() { helper(); }
        fn main() { helper(); }
    "#;
    let (krate, files) = model(&[(src, &[])]);
    let cm = CrateModel::new(&krate, &files, &[]);
    assert_eq!(
        async_flavors(&cm, &files, (0, 0)),
        [Flavor::CurrentThread, Flavor::MultiThread]
    );
    let sites = sites_of_fn(&cm, &files, (0, 0));
    assert!(sites
        .iter()
        .any(|s| s.kind == SiteKind::Sync(SyncRoot::Main)));
    let test_site = sites
        .iter()
        .find(|s| {
            s.kind
                .runtime()
                .is_some_and(|r| r.flavor == Flavor::CurrentThread)
        })
        .expect("the test's site");
    assert!(test_site.certain && !test_site.direct());
    assert_eq!(
        cm.site_notes(test_site),
        [
            "`helper` is called from `middle` (test.rs:3)",
            "`middle` is called from the `#[tokio::test]` fn `in_a_test` (test.rs:4)",
        ]
    );
}

#[test]
fn closures_run_where_the_fn_they_are_given_to_runs_them() {
    let src = r#"
        fn in_place<F: FnOnce()>(f: F) { f() }
        fn under_catch_unwind<F: FnOnce() + std::panic::UnwindSafe>(f: F) { let _ = std::panic::catch_unwind(f); }
        fn on_a_thread<F: FnOnce() + Send + 'static>(f: F) { std::thread::spawn(f); }
        fn stores<F: FnOnce() + 'static>(f: F) -> Box<dyn FnOnce()> { Box::new(f) }
        #[tokio::main]
        async fn main_entry() {
            in_place(|| probe_in_place());
            under_catch_unwind(|| probe_unwind());
            on_a_thread(|| probe_thread());
            let _later = stores(|| probe_stored());
        }
    "#;
    let (krate, files) = model(&[(src, &[])]);
    let cm = CrateModel::new(&krate, &files, &[]);
    let kinds = |name| -> Vec<SiteKind> {
        cm.call_sites(0, call(&files, name))
            .iter()
            .map(|s| s.kind)
            .collect()
    };
    assert!(matches!(kinds("probe_in_place")[..], [SiteKind::Async(_)]));
    assert!(matches!(kinds("probe_unwind")[..], [SiteKind::Async(_)]));
    assert_eq!(kinds("probe_thread"), [SiteKind::Sync(SyncRoot::Thread)]);
    assert!(kinds("probe_stored").is_empty());
}

#[test]
fn methods_resolve_by_the_receiver_type() {
    let src = r#"
        struct Client;
        impl Client { fn fetch(&self) {} }
        struct Cache;
        impl Cache { fn fetch(&self) {} }
        trait Warm { fn warm(&self) { } }
        impl Warm for Cache {}
        async fn uses(client: &Client, cache: Cache) {
            client.fetch();
            cache.fetch();
            cache.warm();
            Client.fetch();
        }
    "#;
    let (krate, files) = model(&[(src, &[])]);
    let cm = CrateModel::new(&krate, &files, &[]);
    let fetches: Vec<&Target> = files[0]
        .calls
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(&c.callee, super::Callee::Method { name, .. } if name == "fetch"))
        .map(|(id, _)| cm.target(0, id))
        .collect();
    let fns = &files[0].fns;
    let path_of = |t: &Target| match t {
        Target::Fn {
            fn_ref,
            certain: true,
        } => fns[fn_ref.1].path.clone(),
        other => format!("{other:?}"),
    };
    assert_eq!(
        fetches.iter().map(|t| path_of(t)).collect::<Vec<_>>(),
        [
            "crate::Client::fetch",
            "crate::Cache::fetch",
            "crate::Client::fetch"
        ]
    );
    assert_eq!(
        path_of(cm.target(0, call(&files, "warm"))),
        "crate::Warm::warm"
    );
}

#[test]
fn only_calls_that_always_run_carry_a_site() {
    let src = r#"
        fn guarded() {}
        fn after_return() {}
        fn on_success() {}
        fn caller(flag: bool, r: Result<u8, ()>) {
            if flag { guarded(); }
            if let Ok(_) = r { on_success(); }
            if !flag { return; }
            after_return();
        }
        #[tokio::main] async fn main_entry() { caller(true, Ok(1)); }
    "#;
    let (krate, files) = model(&[(src, &[])]);
    let cm = CrateModel::new(&krate, &files, &[]);
    assert!(sites_of_fn(&cm, &files, (0, 0)).is_empty());
    assert!(sites_of_fn(&cm, &files, (0, 1)).is_empty());
    assert_eq!(sites_of_fn(&cm, &files, (0, 2)).len(), 1);
}

#[test]
fn drivers_fix_the_runtime_of_the_future_they_run() {
    let src = r#"
        use tokio::runtime::Builder;
        async fn job() { probe_job(); }
        async fn task() { probe_task(); }
        fn start() {
            let rt = Builder::new_current_thread().build().unwrap();
            rt.block_on(job());
        }
        #[tokio::main(flavor = "current_thread")]
        async fn main_entry() { tokio::spawn(task()); }
        fn entered(rt: &tokio::runtime::Runtime) { let _g = rt.enter(); probe_entered(); }
        fn main() { let rt = tokio::runtime::Runtime::new().unwrap(); entered(&rt); }
    "#;
    let (krate, files) = model(&[(src, &[])]);
    let cm = CrateModel::new(&krate, &files, &[]);
    let runtime = |name| cm.call_sites(0, call(&files, name))[0].kind.runtime();
    let job = runtime("probe_job").expect("async");
    assert_eq!(
        (job.flavor, job.time, job.io),
        (Flavor::CurrentThread, false, false)
    );
    assert_eq!(
        runtime("probe_task").map(|r| r.flavor),
        Some(Flavor::CurrentThread)
    );
    assert_eq!(
        cm.call_sites(0, call(&files, "probe_entered"))[0].kind,
        SiteKind::Entered
    );
}
