use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::sites::SiteKind;
use crate::model::summary::SinkKind;
use crate::model::Family;

crate::declare_lint! {
    /// ## What it does
    /// Finds a runtime built with `Builder::new_current_thread()`/`new_multi_thread()` without
    /// `enable_time` (or `enable_io`, or `enable_all`) whose `block_on` or `spawn` future uses
    /// tokio timers (or tokio IO). Timers are `sleep`, `interval`, `timeout` (and their `_at`
    /// forms), `Sender::send_timeout`, tokio-util's `DelayQueue` and `timeout` extension, and
    /// tokio-stream's `timeout` and `throttle`; IO is sockets (`bind`, `connect`, `from_std`,
    /// `pair`, `TcpSocket::listen`), unix pipes, `AsyncFd`, `process::Command`, and signals.
    /// DNS (`lookup_host`), `tokio::fs` and `spawn_blocking` run on the blocking pool and need
    /// no driver.
    ///
    /// ## Why is this bad?
    /// A builder enables no driver by default. The first timer or socket panics:
    /// `` A Tokio 1.x context was found, but timers are disabled. Call `enable_time` on the
    /// runtime builder to enable timers. `` (or the same for IO).
    ///
    /// ## Example
    /// ```rust,ignore
    /// let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { tokio::time::sleep(Duration::from_millis(5)).await });
    /// ```
    ///
    /// ## Use instead
    /// ```rust,ignore
    /// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// rt.block_on(async { tokio::time::sleep(Duration::from_millis(5)).await });
    /// ```
    ///
    /// ## Known problems
    /// Only a builder chain written as one expression is followed (a builder configured
    /// through a variable may have been enabled by a statement the model does not track). The
    /// future given to `block_on` or `spawn` is followed into the async fns it awaits.
    pub static LINT = {
        name: "runtime_builder_missing_driver",
        level: Warn,
        summary: "a runtime built without `enable_time`/`enable_io` whose futures use tokio timers or IO",
    };
}

pub fn check(cx: &mut LintCx<'_>) {
    for sink in cx.sinks_matching(|k| matches!(k, SinkKind::NeedsTime | SinkKind::NeedsIo)) {
        let (what, enable) = match sink.kind {
            SinkKind::NeedsTime => ("timers", "enable_time"),
            _ => ("IO", "enable_io"),
        };
        let Some(site) = cx.wrong_site(&sink, |k| match k {
            SiteKind::Async(r) => {
                r.family == Family::Tokio
                    && match sink.kind {
                        SinkKind::NeedsTime => !r.time,
                        _ => !r.io,
                    }
            }
            _ => false,
        }) else {
            continue;
        };
        let (file, id) = (sink.file, sink.call);
        let m = &cx.files()[file];
        let mut d = cx.diagnostic(
            &LINT,
            Certainty::of(sink.certain && site.certain),
            format!("runtime is built without {what} but its future uses tokio {what}"),
            Label::new(m.calls[id].label_range.clone(), format!("this needs the runtime's {what} driver")),
        );
        let driver = cx.cm.site_driver(file, id, &site);
        cx.point_at_driver(&mut d, file, driver, "the future runs on a runtime built without it");
        if !site.direct() {
            d.notes.extend(cx.cm.site_notes(&site));
        }
        d.notes.extend(cx.cm.dep_notes(&sink));
        d.notes.push(match what {
            "timers" => "tokio panics with: A Tokio 1.x context was found, but timers are disabled. Call `enable_time` on the runtime builder to enable timers.".to_string(),
            _ => "tokio panics with: A Tokio 1.x context was found, but IO is disabled. Call `enable_io` on the runtime builder to enable IO.".to_string(),
        });
        d.help.push(format!("call `.{enable}()` (or `.enable_all()`) on the runtime builder"));
        cx.emit(file, d);
    }
}
