use super::{Certainty, LintCx};
use crate::diagnostic::Label;
use crate::model::krate::Exec;
use crate::model::{Callee, Prov, Ty};

crate::declare_lint! {
    /// ## What it does
    /// Finds a runtime built with `Builder::new_current_thread()`/`new_multi_thread()` without
    /// `enable_time` (or `enable_io`, or `enable_all`) whose `block_on` or `spawn` future uses
    /// tokio timers (or tokio sockets).
    ///
    /// ## Why is this bad?
    /// A builder enables no driver by default. The first timer or socket panics:
    /// `A Tokio 1.x context was found, but timers are disabled. Call `enable_time` on the
    /// runtime builder to enable timers.` (or the same for IO).
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
    /// through a variable may have been enabled by a statement the model does not track), and
    /// only futures written inline: an async fn passed to `block_on` is not looked into.
    pub static LINT = {
        name: "runtime_builder_missing_driver",
        level: Warn,
        summary: "a runtime built without `enable_time`/`enable_io` whose futures use tokio timers or IO",
    };
}

fn needs_time(path: &str) -> bool {
    matches!(
        path,
        "tokio::time::sleep"
            | "tokio::time::sleep_until"
            | "tokio::time::interval"
            | "tokio::time::interval_at"
            | "tokio::time::timeout"
            | "tokio::time::timeout_at"
    )
}

fn needs_io(path: &str) -> bool {
    matches!(
        path,
        "tokio::net::TcpListener::bind"
            | "tokio::net::TcpStream::connect"
            | "tokio::net::UdpSocket::bind"
            | "tokio::net::UnixListener::bind"
            | "tokio::net::UnixStream::connect"
            | "tokio::net::lookup_host"
            | "tokio::signal::ctrl_c"
    )
}

pub fn check(cx: &mut LintCx<'_>) {
    for (file, m) in cx.files().iter().enumerate() {
        for (id, call) in m.calls.iter().enumerate() {
            let Callee::Method { name, receiver } = &call.callee else {
                continue;
            };
            if name != "block_on" && name != "spawn" {
                continue;
            }
            // The runtime must come from one builder chain: a chain written inline, or a
            // binding made from one.
            let chain = match receiver {
                Prov::Known(ty) => Some(ty.clone()),
                Prov::Local(b) => match &m.bindings[*b].prov {
                    Prov::Known(ty) => Some(ty.clone()),
                    _ => None,
                },
                _ => None,
            };
            let Some(Ty::Lib {
                path: "tokio::runtime::Runtime",
                time,
                io,
                ..
            }) = chain
            else {
                continue;
            };
            if time && io {
                continue;
            }
            // Calls written in the future passed to it: directly in the argument, or in an async
            // block that is the argument (not in a future wrapped by other code first).
            let Some(future) = call.args.first() else { continue };
            let runs_here = |c: &crate::model::Call| {
                if c.inside_arg_of == Some(id) {
                    return true;
                }
                match cx.cm.exec(file, c.ctx) {
                    Exec::Async { boundary, .. } => m.ctxs[boundary].arg_of == Some((id, 0)),
                    _ => false,
                }
            };
            let missing = m.calls.iter().enumerate().find_map(|(inner, c)| {
                if c.range.start < future.start || c.range.end > future.end || !runs_here(c) {
                    return None;
                }
                let path = cx.cm.target(file, inner).external()?;
                if !time && needs_time(path) {
                    Some((inner, "timers", "enable_time"))
                } else if !io && needs_io(path) {
                    Some((inner, "IO", "enable_io"))
                } else {
                    None
                }
            });
            let Some((inner, what, enable)) = missing else {
                continue;
            };
            let mut d = cx.diagnostic(
                &LINT,
                Certainty::Certain,
                format!("runtime is built without {what} but its future uses tokio {what}"),
                Label::new(m.calls[inner].label_range.clone(), format!("this needs the runtime's {what} driver")),
            );
            d.secondary.push(Label::new(call.label_range.clone(), "the future runs on a runtime built without it"));
            d.notes.push(match what {
                "timers" => "tokio panics with: A Tokio 1.x context was found, but timers are disabled. Call `enable_time` on the runtime builder to enable timers.".to_string(),
                _ => "tokio panics with: A Tokio 1.x context was found, but IO is disabled. Call `enable_io` on the runtime builder to enable IO.".to_string(),
            });
            d.help.push(format!("call `.{enable}()` (or `.enable_all()`) on the runtime builder"));
            cx.emit(file, d);
        }
    }
}
