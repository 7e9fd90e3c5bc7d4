import { ApiFailure } from "../api/client";

/** An error envelope's message, where a screen reader announces it. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const text =
    error instanceof ApiFailure ? `${error.message} (${error.status}, code ${error.code})` : String(error);
  return <p role="alert" class="error">{text}</p>;
}
