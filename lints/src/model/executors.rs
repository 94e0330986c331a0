//! Futures polled by an executor other than tokio's: `futures::executor::block_on`,
//! `pollster::block_on`, `smol::block_on`, a `LocalPool`. Such an executor parks the thread and
//! polls the future itself; it gives the future no tokio runtime context, so a tokio timer or
//! socket made or polled there panics, unless the thread has a context of its own (the
//! `block_on` runs in tokio async code, on a `spawn_blocking` thread, after `rt.enter()`).
//!
//! Also actix's `System`: a thread-local that actix's entry points and `System::new()`
//! register, and that a plain tokio runtime does not have.

use super::krate::{CrateModel, Driver};
use super::sinks::Sink;
use super::sites::{Site, SiteKind};
use super::types::Family;
use super::*;

/// A sink's future polled by another executor on a thread without a tokio runtime.
#[derive(Clone, Copy, Debug)]
pub struct ForeignPoll {
    /// The executor's call: `block_on(..)`, `pool.run_until(..)`.
    pub driver: (usize, CallId),
    /// Where the executor's call runs: a thread without a runtime.
    pub site: Site,
    /// Every step is certain and direct: the sink is written in the executor's future (or is
    /// its argument), and the executor's call in the runtime-less place itself. Through a
    /// chain of calls the finding is not certain.
    pub certain: bool,
}

/// Executors whose `block_on` never gives its future a tokio runtime context. (async-std's
/// may: with its `tokio1` feature its threads enter a tokio runtime.)
fn never_tokio(family: Family) -> bool {
    matches!(family, Family::Blocking | Family::Futures | Family::Smol)
}

impl CrateModel<'_> {
    /// The executor a future is handed to, if it parks the thread on it and is not tokio's.
    fn foreign_driver(&self, file: usize, call: CallId) -> Option<Driver> {
        match self.driver(file, call) {
            Some(d @ Driver::OtherBlockOn(family)) if never_tokio(family) => Some(d),
            _ => None,
        }
    }

    /// Whether the future a call makes is handed straight to another executor's `block_on`
    /// (`block_on(TcpStream::connect(addr))`): polled where the call is made.
    pub fn polled_in_place_by_foreign_executor(&self, file: usize, call: CallId) -> bool {
        match self.files[file].calls[call].used_as {
            ValueUse::Arg(d) => self.foreign_driver(file, d).is_some(),
            _ => false,
        }
    }

    /// Where a sink's future, or the code it is in, is polled by another executor on a thread
    /// without a tokio runtime: the sink made inside the executor's future
    /// (`block_on(async { sleep(d).await })`, or an async fn handed to it), or the sink's own
    /// future handed to it (`block_on(TcpStream::connect(a))`). The executor's call is judged by
    /// its own sites, as a runtime-less place.
    pub fn polled_without_runtime(&self, sink: &Sink) -> Option<ForeignPoll> {
        let (file, call) = (sink.file, sink.call);
        let mut candidates: Vec<((usize, CallId), bool)> = Vec::new();
        if let ValueUse::Arg(d) = self.files[file].calls[call].used_as {
            if self.foreign_driver(file, d).is_some() {
                candidates.push(((file, d), true));
            }
        }
        for site in self.call_sites(file, call) {
            let SiteKind::Async(runtime) = site.kind else {
                continue;
            };
            if !never_tokio(runtime.family) {
                continue;
            }
            if let Some((df, d)) = self.site_driver(file, call, &site) {
                if self.foreign_driver(df, d).is_some()
                    && !candidates.iter().any(|c| c.0 == (df, d))
                {
                    candidates.push(((df, d), site.certain && site.direct()));
                }
            }
        }
        let mut best: Option<ForeignPoll> = None;
        for ((df, d), inner_certain) in candidates {
            let mut sites = self.call_sites(df, d);
            // Through a chain of calls, only an executor that runs whenever its fn does.
            if !self.runs_unconditionally(df, d) {
                sites.retain(Site::direct);
            }
            let Some(site) = self.site_where(&sites, SiteKind::is_runtime_less) else {
                continue;
            };
            let found = ForeignPoll {
                driver: (df, d),
                site,
                certain: inner_certain && site.certain && site.direct(),
            };
            let better = match &best {
                None => true,
                Some(b) => (found.certain && !b.certain) || (site.direct() && !b.site.direct()),
            };
            if better {
                best = Some(found);
            }
        }
        best
    }

    /// Whether an actix `System` has been registered on the thread where a site's code runs,
    /// before it runs there: a `System::new()` (or `with_tokio_rt`, `set_current`) made earlier
    /// in the body where the site starts (the call itself, the `block_on` whose future it is
    /// in, or the first call of its chain).
    pub fn actix_system_registered(&self, file: usize, call: CallId, site: &Site) -> bool {
        let (of, oc) = match site.via {
            Some(_) => match self.site_origin_call(site) {
                Some(origin) => origin,
                None => return false,
            },
            None => match site.kind {
                SiteKind::Async(_) => self.site_driver(file, call, site).unwrap_or((file, call)),
                _ => (file, call),
            },
        };
        let m = &self.files[of];
        let origin = &m.calls[oc];
        m.calls.iter().enumerate().any(|(id, c)| {
            c.range.end <= origin.range.start
                && m.ctx_within(origin.ctx, c.ctx)
                && self
                    .target(of, id)
                    .external()
                    .is_some_and(super::apis::registers_actix_system)
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::lint_with_library;
    use crate::Level;

    /// What a library's fn does with another executor, an actix `System` or a blocking client
    /// reaches the crates that call it.
    #[test]
    fn effects_cross_into_dependents() {
        let library = r#"
pub fn read_polled() -> Vec<u8> {
    futures::executor::block_on(tokio::fs::read("x")).unwrap()
}
pub fn made_not_polled() -> impl std::future::Future {
    tokio::fs::read("x")
}
pub fn stop_system() {
    actix_rt::System::current().stop();
}
pub fn run_nested() {
    futures::executor::block_on(async {});
}
pub fn fetch_sync(url: &str) -> String {
    reqwest::blocking::get(url).unwrap().text().unwrap()
}
"#;
        let app = r#"
fn main() {
    let _ = client::read_polled();
    let _ = client::made_not_polled();
    futures::executor::block_on(async { client::run_nested() });
}
#[tokio::main]
async fn served() {
    client::stop_system();
    let _ = client::fetch_sync("x");
}
"#;
        assert_eq!(
            lint_with_library(library, app),
            vec![
                ("tokio_call_outside_runtime", 3, Level::Deny),
                ("nested_local_pool", 5, Level::Deny),
                ("no_actix_system", 9, Level::Deny),
                ("runtime_dropped_in_async", 10, Level::Deny),
            ]
        );
    }
}
