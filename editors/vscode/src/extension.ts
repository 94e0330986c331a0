// The appstract-lint language server (`cargo-appstract-lint --lsp`) for Rust files, beside
// rust-analyzer: its findings as diagnostics, its fixes and suppressions as quick fixes.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function start(): LanguageClient {
  const config = vscode.workspace.getConfiguration("appstract-lint");
  const command = config.get<string>("server.path") || "cargo-appstract-lint";
  const serverOptions: ServerOptions = { command, args: ["--lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "rust" }],
    initializationOptions: {
      args: config.get<string[]>("args", []),
      debounceMs: config.get<number>("debounceMs", 15),
    },
  };
  return new LanguageClient("appstract-lint", "appstract-lint", serverOptions, clientOptions);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = start();
  context.subscriptions.push(
    vscode.commands.registerCommand("appstract-lint.restart", async () => {
      await client?.stop();
      client = start();
      await client.start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("appstract-lint")) {
        await vscode.commands.executeCommand("appstract-lint.restart");
      }
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
