//! `--lsp`: a language server over stdio, on `lsp-server`'s messages and `lsp-types`.
//!
//! The main thread reads the client's messages, keeps the open buffers (full and incremental
//! synchronisation), answers requests and publishes diagnostics; the analysis runs on a worker
//! thread ([`worker`]) that holds a [`Session`](crate::driver::Session) per workspace folder.
//! Nothing is written to disk but the tool's cache.

mod actions;
pub mod convert;
pub mod transport;
mod worker;

use crate::cli::Args;
use crate::driver::session;
use crate::error::Error;
use crate::{isolate, Status};
use appstract_lints::Diagnostic;
use convert::Lines;
use crossbeam_channel::{select, Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use transport::{Incoming, Outgoing};
use worker::{Job, Output, Published, Worker};

/// How long the worker waits after an edit for the next one before analysing.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(15);

/// Serves on stdin and stdout until the client says `exit`: status 0 after a `shutdown`
/// request, 1 otherwise (as the protocol asks).
pub fn run(args: &Args) -> Result<Status, Error> {
    let (incoming_tx, incoming) = crossbeam_channel::unbounded();
    let (outgoing, outgoing_rx) = crossbeam_channel::unbounded();
    let stdin = std::io::BufReader::new(std::io::stdin());
    transport::reader(stdin, incoming_tx)
        .map_err(|err| Error::new(format!("cannot start a thread: {err}")))?;
    let writer = transport::writer(std::io::stdout(), outgoing_rx)
        .map_err(|err| Error::new(format!("cannot start a thread: {err}")))?;
    let clean = serve(args, &incoming, outgoing);
    // Every message sent is written before the process ends.
    let _ = writer.join();
    Ok(if clean {
        Status::Clean
    } else {
        Status::Findings
    })
}

/// The protocol from `initialize` to `exit`; whether it ended after a `shutdown`.
fn serve(args: &Args, incoming: &Receiver<Incoming>, outgoing: Sender<Outgoing>) -> bool {
    let Some((id, params)) = wait_for_initialize(incoming, &outgoing) else {
        return false;
    };
    let options = match options(args, &params) {
        Ok(options) => options,
        Err(err) => {
            let message = format!("invalid initializationOptions: {}", err.message);
            send(
                &outgoing,
                Response::new_err(id, ErrorCode::InvalidParams as i32, message),
            );
            // The client is told; it may try again with other options, or exit.
            return serve(args, incoming, outgoing);
        }
    };
    let roots = roots(&params);
    let watch = params
        .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    send(
        &outgoing,
        Response::new_ok(
            id,
            json!({
                "capabilities": {
                    "positionEncoding": "utf-16",
                    "textDocumentSync": {
                        "openClose": true,
                        "change": 2,
                        "save": { "includeText": false },
                    },
                    "codeActionProvider": { "codeActionKinds": ["quickfix"] },
                },
                "serverInfo": { "name": "appstract-lint", "version": env!("CARGO_PKG_VERSION") },
            }),
        ),
    );

    let (jobs, jobs_rx) = crossbeam_channel::unbounded();
    let (outputs_tx, outputs) = crossbeam_channel::unbounded();
    let worker = match Worker::new(options, roots, outputs_tx) {
        Ok(worker) => worker,
        Err(err) => {
            log(&outgoing, lsp::MessageType::ERROR, &err.message);
            return false;
        }
    };
    let spawned = std::thread::Builder::new()
        .name("appstract-lint-lsp-worker".to_string())
        .stack_size(crate::WORKER_STACK_SIZE)
        .spawn(move || worker.run(jobs_rx));
    if let Err(err) = spawned {
        log(
            &outgoing,
            lsp::MessageType::ERROR,
            &format!("cannot start a thread: {err}"),
        );
        return false;
    }
    let mut server = Server {
        outgoing,
        jobs,
        docs: HashMap::new(),
        by_key: HashMap::new(),
        shown: HashMap::new(),
        repository: crate::output::sarif::repository(),
        shutdown: false,
        watch,
        next_id: 0,
    };
    loop {
        select! {
            recv(incoming) -> message => match message {
                Ok(message) => {
                    if let Some(clean) = server.handle(message) {
                        return clean;
                    }
                }
                // The client went away without `exit`.
                Err(_) => return server.shutdown,
            },
            recv(outputs) -> output => {
                if let Ok(output) = output {
                    server.publish(output);
                }
            }
        }
    }
}

/// Waits for `initialize`, answering requests before it with `ServerNotInitialized` and
/// ignoring notifications; `None` when the client leaves first.
fn wait_for_initialize(
    incoming: &Receiver<Incoming>,
    outgoing: &Sender<Outgoing>,
) -> Option<(RequestId, Value)> {
    loop {
        match incoming.recv().ok()? {
            Incoming::Message(Message::Request(request)) if request.method == "initialize" => {
                return Some((request.id, request.params));
            }
            Incoming::Message(Message::Request(request)) => send(
                outgoing,
                Response::new_err(
                    request.id,
                    ErrorCode::ServerNotInitialized as i32,
                    format!("`{}` before `initialize`", request.method),
                ),
            ),
            Incoming::Message(Message::Notification(notification))
                if notification.method == "exit" =>
            {
                return None;
            }
            Incoming::Message(_) => {}
            other => answer_bad_message(outgoing, other),
        }
    }
}

/// The flags the server runs with: the command line's, then `initializationOptions.args`;
/// and `initializationOptions.debounceMs`.
fn options(args: &Args, params: &Value) -> Result<worker::Options, Error> {
    let init = params.get("initializationOptions").unwrap_or(&Value::Null);
    let mut args = args.clone();
    if let Some(extra) = init.get("args") {
        let extra: Vec<String> = serde_json::from_value(extra.clone())
            .map_err(|_| Error::new("`args` must be a list of strings"))?;
        let argv = std::env::args_os()
            .map(|arg| arg.to_string_lossy().into_owned())
            .chain(extra);
        args = Args::try_parse_args(argv)
            .map_err(|err| Error::new(err.to_string().lines().next().unwrap_or("").to_string()))?;
    }
    let debounce = match init.get("debounceMs") {
        None | Some(Value::Null) => DEFAULT_DEBOUNCE,
        Some(value) => Duration::from_millis(
            value
                .as_u64()
                .ok_or_else(|| Error::new("`debounceMs` must be a number of milliseconds"))?,
        ),
    };
    Ok(worker::Options { args, debounce })
}

/// The workspace folders, else the root, else the current directory.
fn roots(params: &Value) -> Vec<PathBuf> {
    let folders: Vec<PathBuf> = params
        .get("workspaceFolders")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|folder| folder.get("uri")?.as_str())
        .filter_map(convert::uri_path)
        .collect();
    if !folders.is_empty() {
        return folders;
    }
    let root = params
        .get("rootUri")
        .and_then(Value::as_str)
        .and_then(convert::uri_path)
        .or_else(|| {
            params
                .get("rootPath")
                .and_then(Value::as_str)
                .map(PathBuf::from)
        });
    match root {
        Some(root) => vec![root],
        None => std::env::current_dir().into_iter().collect(),
    }
}

fn send(outgoing: &Sender<Outgoing>, message: impl Into<Message>) {
    let _ = outgoing.send(Outgoing::Message(message.into()));
}

fn log(outgoing: &Sender<Outgoing>, kind: lsp::MessageType, message: &str) {
    send(
        outgoing,
        Notification::new(
            "window/logMessage".to_string(),
            lsp::LogMessageParams {
                typ: kind,
                message: message.to_string(),
            },
        ),
    );
}

/// A parse error (`-32700`, id `null`) or an invalid request (`-32600`).
fn answer_bad_message(outgoing: &Sender<Outgoing>, bad: Incoming) {
    let (id, code, message) = match bad {
        Incoming::Malformed(reason) => (Value::Null, ErrorCode::ParseError, reason),
        Incoming::Invalid { id, reason } => {
            (id.unwrap_or(Value::Null), ErrorCode::InvalidRequest, reason)
        }
        Incoming::Message(_) => return,
    };
    let _ = outgoing.send(Outgoing::Raw(json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code as i32, "message": message },
    })));
}

/// An open buffer.
struct Doc {
    path: PathBuf,
    version: i32,
    text: String,
}

/// What was last published for a file, for its code actions.
struct Shown {
    version: Option<i32>,
    text: Arc<str>,
    findings: Vec<Diagnostic>,
    base: PathBuf,
}

struct Server {
    outgoing: Sender<Outgoing>,
    jobs: Sender<Job>,
    /// By the URI as the client wrote it.
    docs: HashMap<String, Doc>,
    /// The URI of each open buffer, by [`session::key`].
    by_key: HashMap<PathBuf, String>,
    shown: HashMap<String, Shown>,
    repository: Option<&'static str>,
    shutdown: bool,
    watch: bool,
    next_id: i32,
}

impl Server {
    /// Handles one message; `Some(clean)` when the server is to stop.
    fn handle(&mut self, incoming: Incoming) -> Option<bool> {
        match incoming {
            Incoming::Message(Message::Request(request)) => {
                let id = request.id.clone();
                let method = request.method.clone();
                let response = isolate::catch(|| self.request(request)).unwrap_or_else(|panic| {
                    Err((
                        ErrorCode::InternalError,
                        format!("`{method}` failed: {panic}; {}", isolate::REPORT_IT),
                    ))
                });
                let response = match response {
                    Ok(result) => Response::new_ok(id, result),
                    Err((code, message)) => Response::new_err(id, code as i32, message),
                };
                send(&self.outgoing, response);
                None
            }
            Incoming::Message(Message::Notification(notification)) => {
                if notification.method == "exit" {
                    return Some(self.shutdown);
                }
                let method = notification.method.clone();
                if let Err(message) = isolate::catch(|| self.notification(notification))
                    .unwrap_or_else(|panic| Err(format!("{panic}; {}", isolate::REPORT_IT)))
                {
                    log(
                        &self.outgoing,
                        lsp::MessageType::ERROR,
                        &format!("`{method}`: {message}"),
                    );
                }
                None
            }
            // Answers to the server's own requests (`client/registerCapability`).
            Incoming::Message(Message::Response(_)) => None,
            bad => {
                answer_bad_message(&self.outgoing, bad);
                None
            }
        }
    }

    fn request(&mut self, request: Request) -> Result<Value, (ErrorCode, String)> {
        if self.shutdown {
            return Err((
                ErrorCode::InvalidRequest,
                format!("`{}` after `shutdown`", request.method),
            ));
        }
        match request.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "initialize" => Err((
                ErrorCode::InvalidRequest,
                "the server is initialized already".to_string(),
            )),
            "textDocument/codeAction" => {
                let params: lsp::CodeActionParams = params(request.params)?;
                Ok(serde_json::to_value(self.code_actions(&params)).unwrap_or(Value::Null))
            }
            method => Err((
                ErrorCode::MethodNotFound,
                format!("unknown method `{method}`"),
            )),
        }
    }

    fn notification(&mut self, notification: Notification) -> Result<(), String> {
        let invalid = |(_, message): (ErrorCode, String)| message;
        match notification.method.as_str() {
            "initialized" if self.watch => self.register_watchers(),
            "textDocument/didOpen" => {
                let params: lsp::DidOpenTextDocumentParams =
                    params(notification.params).map_err(invalid)?;
                let document = params.text_document;
                let Some(path) = convert::uri_path(document.uri.as_str()) else {
                    return Ok(());
                };
                let uri = document.uri.as_str().to_string();
                self.by_key.insert(session::key(&path), uri.clone());
                let text: Arc<str> = Arc::from(document.text.as_str());
                self.docs.insert(
                    uri,
                    Doc {
                        path: path.clone(),
                        version: document.version,
                        text: document.text,
                    },
                );
                let _ = self.jobs.send(Job::Open {
                    path,
                    text,
                    version: document.version,
                });
            }
            "textDocument/didChange" => {
                let params: lsp::DidChangeTextDocumentParams =
                    params(notification.params).map_err(invalid)?;
                let uri = params.text_document.uri.as_str();
                let Some(doc) = self.docs.get_mut(uri) else {
                    return Err(format!("`{uri}` is not open"));
                };
                for change in params.content_changes {
                    match change.range {
                        Some(range) => {
                            let lines = Lines::new(&doc.text);
                            let start = lines.offset(range.start);
                            let end = lines.offset(range.end).max(start);
                            doc.text.replace_range(start..end, &change.text);
                        }
                        None => doc.text = change.text,
                    }
                }
                doc.version = params.text_document.version;
                let _ = self.jobs.send(Job::Change {
                    path: doc.path.clone(),
                    text: Arc::from(doc.text.as_str()),
                    version: doc.version,
                });
            }
            "textDocument/didClose" => {
                let params: lsp::DidCloseTextDocumentParams =
                    params(notification.params).map_err(invalid)?;
                if let Some(doc) = self.docs.remove(params.text_document.uri.as_str()) {
                    self.by_key.remove(&session::key(&doc.path));
                    let _ = self.jobs.send(Job::Close { path: doc.path });
                }
            }
            "textDocument/didSave" => {
                let params: lsp::DidSaveTextDocumentParams =
                    params(notification.params).map_err(invalid)?;
                if let Some(path) = convert::uri_path(params.text_document.uri.as_str()) {
                    let _ = self.jobs.send(Job::Saved { path });
                }
            }
            "workspace/didChangeWatchedFiles" => {
                let params: lsp::DidChangeWatchedFilesParams =
                    params(notification.params).map_err(invalid)?;
                for change in params.changes {
                    if let Some(path) = convert::uri_path(change.uri.as_str()) {
                        let _ = self.jobs.send(Job::Watched {
                            path,
                            created_or_deleted: change.typ != lsp::FileChangeType::CHANGED,
                        });
                    }
                }
            }
            // `$/cancelRequest`, `$/setTrace`, configuration changes: nothing to do.
            _ => {}
        }
        Ok(())
    }

    /// Asks the client to tell about the files that shape the plan and the Rust files.
    fn register_watchers(&mut self) {
        self.next_id += 1;
        let watchers: Vec<Value> = [
            "**/Cargo.toml",
            "**/appstract-lint.toml",
            "**/.appstract-lint.toml",
            "**/*.rs",
        ]
        .iter()
        .map(|glob| json!({ "globPattern": glob }))
        .collect();
        send(
            &self.outgoing,
            Request::new(
                RequestId::from(format!("appstract-lint/{}", self.next_id)),
                "client/registerCapability".to_string(),
                json!({
                    "registrations": [{
                        "id": "appstract-lint/watched-files",
                        "method": "workspace/didChangeWatchedFiles",
                        "registerOptions": { "watchers": watchers },
                    }],
                }),
            ),
        );
    }

    fn code_actions(&self, params: &lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
        let quick_fixes_wanted = params.context.only.as_ref().is_none_or(|only| {
            only.iter().any(|kind| {
                lsp::CodeActionKind::QUICKFIX
                    .as_str()
                    .starts_with(kind.as_str())
            })
        });
        let uri = params.text_document.uri.as_str();
        let Some(shown) = self.shown.get(uri).filter(|_| quick_fixes_wanted) else {
            return Vec::new();
        };
        // Findings of an older version of the buffer point to text that moved.
        let current = self.docs.get(uri).map(|doc| doc.version);
        if current.is_some() && shown.version != current {
            return Vec::new();
        }
        actions::code_actions(
            &params.text_document.uri,
            &shown.text,
            &shown.findings,
            params.range,
            &shown.base,
            self.repository,
        )
    }

    /// Publishes what the worker found, leaving out what was computed for a version of a
    /// buffer that has changed since (the worker sends the newer one in turn).
    fn publish(&mut self, output: Output) {
        let (base, files) = match output {
            // An error is shown; the rest goes to the log.
            Output::Log(lsp::MessageType::ERROR, message) => {
                let params = lsp::ShowMessageParams {
                    typ: lsp::MessageType::ERROR,
                    message,
                };
                send(
                    &self.outgoing,
                    Notification::new("window/showMessage".to_string(), params),
                );
                return;
            }
            Output::Log(kind, message) => {
                log(&self.outgoing, kind, &message);
                return;
            }
            Output::Findings { base, files } => (base, files),
        };
        for Published { findings, version } in files {
            let open = self.by_key.get(&session::key(&findings.path)).cloned();
            let uri = match (&open, version) {
                (Some(uri), Some(version)) => {
                    if self.docs.get(uri).map(|doc| doc.version) != Some(version) {
                        continue;
                    }
                    uri.clone()
                }
                // Computed from a buffer closed since, or from the disk for a buffer opened
                // since: the worker sends the current one.
                (Some(_), None) | (None, Some(_)) => continue,
                (None, None) => convert::file_uri(&findings.path),
            };
            let Some(lsp_uri) = convert::uri(&uri) else {
                continue;
            };
            let text = findings.text.clone().unwrap_or_else(|| Arc::from(""));
            let lines = Lines::new(&text);
            let diagnostics: Vec<lsp::Diagnostic> = findings
                .findings
                .iter()
                .map(|finding| {
                    convert::diagnostic(finding, &lines, &lsp_uri, &base, self.repository)
                })
                .collect();
            send(
                &self.outgoing,
                Notification::new(
                    "textDocument/publishDiagnostics".to_string(),
                    lsp::PublishDiagnosticsParams {
                        uri: lsp_uri,
                        diagnostics,
                        version,
                    },
                ),
            );
            if findings.findings.is_empty() {
                self.shown.remove(&uri);
            } else {
                self.shown.insert(
                    uri,
                    Shown {
                        version,
                        text,
                        findings: findings.findings,
                        base: base.clone(),
                    },
                );
            }
        }
    }
}

/// A request's or notification's parameters, or an `InvalidParams` error.
fn params<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(params).map_err(|err| {
        (
            ErrorCode::InvalidParams,
            format!("invalid parameters: {err}"),
        )
    })
}
