//! JSON-RPC over stdio, framed with `Content-Length` headers.
//!
//! `lsp_server`'s own stdio transport ends the connection on the first payload that is not
//! JSON; here such a payload is handed on as [`Incoming::Malformed`] (answered with a parse
//! error, `-32700`) and the next message is read, so a client's mistake never stops the
//! server.

use crossbeam_channel::{Receiver, Sender};
use lsp_server::Message;
use serde_json::Value;
use std::io::{self, BufRead, Write};
use std::thread::JoinHandle;

/// What the client sent.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// Not JSON, or framed wrongly: answered with `-32700` and no id.
    Malformed(String),
    /// JSON, but not a request, response or notification: answered with `-32600`, with the
    /// id when there is one.
    Invalid {
        id: Option<Value>,
        reason: String,
    },
}

/// What the server sends: a message, or a response built by hand (one whose id is `null`,
/// which `lsp_server::Response` cannot hold).
#[derive(Debug)]
pub enum Outgoing {
    Message(Message),
    Raw(Value),
}

impl From<Message> for Outgoing {
    fn from(message: Message) -> Outgoing {
        Outgoing::Message(message)
    }
}

/// The largest message read: a buffer of a few megabytes is sent whole on every change with
/// full synchronisation, so this leaves room for far larger ones.
const MAX_MESSAGE: usize = 512 << 20;

/// Reads messages from `input` on a thread of its own until it ends.
pub fn reader(
    input: impl BufRead + Send + 'static,
    sender: Sender<Incoming>,
) -> io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("appstract-lint-lsp-reader".to_string())
        .spawn(move || {
            let mut input = input;
            loop {
                let incoming = match read_frame(&mut input) {
                    Ok(None) => return,
                    Ok(Some(Frame::Body(body))) => parse(&body),
                    Ok(Some(Frame::Bad(reason))) => Incoming::Malformed(reason),
                    Err(_) => return,
                };
                let exit = matches!(
                    &incoming,
                    Incoming::Message(Message::Notification(notification))
                        if notification.method == "exit"
                );
                if sender.send(incoming).is_err() || exit {
                    return;
                }
            }
        })
}

/// Writes messages to `output` on a thread of its own until every sender is gone.
pub fn writer(
    output: impl Write + Send + 'static,
    receiver: Receiver<Outgoing>,
) -> io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("appstract-lint-lsp-writer".to_string())
        .spawn(move || {
            let mut output = output;
            for outgoing in receiver {
                let written = match outgoing {
                    Outgoing::Message(message) => message.write(&mut output),
                    Outgoing::Raw(value) => write_raw(&mut output, &value),
                };
                if written.is_err() {
                    return;
                }
            }
        })
}

fn write_raw(output: &mut impl Write, value: &Value) -> io::Result<()> {
    let text = value.to_string();
    write!(output, "Content-Length: {}\r\n\r\n", text.len())?;
    output.write_all(text.as_bytes())?;
    output.flush()
}

enum Frame {
    Body(Vec<u8>),
    /// A frame whose headers could not be read; the reader goes on with the next one.
    Bad(String),
}

/// One frame: headers up to an empty line, then `Content-Length` bytes. `None` at the end
/// of the input.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut saw_header = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !saw_header {
                // Blank lines between frames.
                continue;
            }
            break;
        }
        saw_header = true;
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| format!("invalid Content-Length `{}`", value.trim())),
                );
            }
        }
    }
    let length = match length {
        None => return Ok(Some(Frame::Bad("no Content-Length header".to_string()))),
        Some(Err(reason)) => return Ok(Some(Frame::Bad(reason))),
        Some(Ok(length)) if length > MAX_MESSAGE => {
            // Skipped, not held: its bytes are read and dropped.
            let mut left = length;
            let mut chunk = [0u8; 8192];
            while left > 0 {
                let read = input.read(&mut chunk[..left.min(8192)])?;
                if read == 0 {
                    break;
                }
                left -= read;
            }
            return Ok(Some(Frame::Bad(format!(
                "a message of {length} bytes is larger than {MAX_MESSAGE}"
            ))));
        }
        Some(Ok(length)) => length,
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(Frame::Body(body)))
}

/// A frame's body as a message.
fn parse(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(err) => return Incoming::Malformed(format!("the message is not JSON: {err}")),
    };
    let id = value.get("id").filter(|id| !id.is_null()).cloned();
    if !value.is_object() {
        return Incoming::Invalid {
            id: None,
            reason: "a message must be a JSON object".to_string(),
        };
    }
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(err) => Incoming::Invalid {
            id,
            reason: format!("not a request, response or notification: {err}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<String> {
        let mut input = io::Cursor::new(input.as_bytes().to_vec());
        let mut out = Vec::new();
        while let Some(frame) = read_frame(&mut input).unwrap() {
            out.push(match frame {
                Frame::Body(body) => match parse(&body) {
                    Incoming::Message(message) => format!("message {message:?}"),
                    Incoming::Malformed(reason) => format!("malformed {reason}"),
                    Incoming::Invalid { id, .. } => format!("invalid {id:?}"),
                },
                Frame::Bad(reason) => format!("bad {reason}"),
            });
        }
        out
    }

    #[test]
    fn a_bad_message_does_not_stop_the_next_one() {
        let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "{}{}Content-Length: abc\r\n\r\nContent-Length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{good}",
            frame("{nope"),
            frame(r#"{"id":7,"x":1}"#),
            good.len()
        );
        let out = frames(&input);
        assert_eq!(out.len(), 4, "{out:?}");
        assert!(
            out[0].starts_with("malformed the message is not JSON"),
            "{out:?}"
        );
        assert_eq!(out[1], "invalid Some(Number(7))");
        assert_eq!(out[2], "bad invalid Content-Length `abc`");
        assert!(out[3].contains("initialized"), "{out:?}");
    }
}
