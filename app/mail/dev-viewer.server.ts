import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export interface DevMessage {
  file: string;
  to: string;
  subject: string;
  date: string;
  text: string;
}

/** The newest messages in the mail directory, parsed: development only, for following links. */
export async function readMailDir(mailDir: string, limit = 50): Promise<DevMessage[]> {
  // Loaded here, on the development page's first use: production never loads a mail parser.
  const { simpleParser } = await import("mailparser");
  let files: string[];
  try {
    files = (await readdir(mailDir)).filter((f) => f.endsWith(".eml"));
  } catch {
    return [];
  }
  files.sort().reverse();
  return Promise.all(
    files.slice(0, limit).map(async (file) => {
      const mail = await simpleParser(await readFile(path.join(mailDir, file)));
      const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(", ") : (mail.to?.text ?? "");
      return { file, to, subject: mail.subject ?? "", date: (mail.date ?? new Date()).toISOString(), text: mail.text ?? "" };
    }),
  );
}
