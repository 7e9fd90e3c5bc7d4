import { useState } from "preact/hooks";

/** An action's error, and a runner that clears it first and keeps what the work threw. */
export function useAction() {
  const [error, setError] = useState<unknown>(null);
  const run = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(failure);
    }
  };
  return { error, setError, run };
}
