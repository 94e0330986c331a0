//! Panic isolation: a bug the analysis hits on one file or crate is caught, described with the
//! place it happened, and reported against that file; the run goes on with the others.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// The code of a failure of the analysis itself (exit status 2).
pub const INTERNAL_ERROR: &str = "internal_error";

/// The request that goes with every internal error.
pub const REPORT_IT: &str =
    "this is a bug in appstract-lint; please report it with the file that triggered it";

thread_local! {
    /// Whether a panic on this thread is about to be caught by [`catch`].
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// What the panic hook saw of the last caught panic: message and place.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f`, turning a panic into `Err` with its message and location. A caught panic is not
/// printed; any other panic reaches the previous hook as before.
pub fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    install_hook();
    let outer = CATCHING.with(|catching| catching.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|catching| catching.set(outer));
    result.map_err(|payload| {
        CAUGHT
            .with(|caught| caught.borrow_mut().take())
            .unwrap_or_else(|| payload_message(&*payload))
    })
}

fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                let message = payload_message(info.payload());
                let described = match info.location() {
                    Some(at) => {
                        format!("{message} (at {}:{}:{})", at.file(), at.line(), at.column())
                    }
                    None => message,
                };
                CAUGHT.with(|caught| *caught.borrow_mut() = Some(described));
            } else {
                previous(info);
            }
        }));
    });
}

fn payload_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message.to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// A panic forced by the environment, so tests can check isolation end to end. Only in debug
/// builds: a release binary has no way to panic on purpose.
///
/// `APPSTRACT_LINT_INJECT_PANIC=analyze:<file name>` panics while analysing that file,
/// `check:<crate name>` while checking that crate.
#[cfg(debug_assertions)]
pub fn injected(stage: &str, name: &str) {
    if let Some(spec) = std::env::var_os("APPSTRACT_LINT_INJECT_PANIC") {
        if spec.to_str() == Some(&format!("{stage}:{name}")) {
            panic!("injected panic ({stage} `{name}`)");
        }
    }
}

#[cfg(not(debug_assertions))]
pub fn injected(_stage: &str, _name: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_are_caught_with_their_place() {
        assert_eq!(catch(|| 7), Ok(7));
        let err = catch(|| -> () { panic!("boom {}", 1) }).unwrap_err();
        assert!(err.starts_with("boom 1 (at src/isolate.rs:"), "{err}");
        // Nested catches each see their own panic.
        let outer = catch(|| {
            let inner = catch(|| -> () { panic!("inner") });
            assert!(inner.unwrap_err().starts_with("inner"));
            panic!("outer");
        });
        assert!(outer.unwrap_err().starts_with("outer"));
    }
}
