import { useEffect, useRef } from "react";

/**
 * For a controlled text box on a server-rendered page: on a slow link people type before React has
 * hydrated the form. The text is in the box but not in React's state, and the next render would wipe
 * it. Once hydrated, this adopts what was typed. Returns the ref to put on the input.
 */
export function useTypedBeforeHydration(value: string, onChange: (value: string) => void) {
  const ref = useRef<HTMLInputElement>(null);
  const atMount = useRef({ value, onChange });
  useEffect(() => {
    const typed = ref.current?.value ?? "";
    if (typed !== "" && typed !== atMount.current.value) atMount.current.onChange(typed);
  }, []);
  return ref;
}
