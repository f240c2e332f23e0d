"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/**
 * After a refused submit, focus goes to the form's first field marked
 * `aria-invalid` (FormField marks them), so keyboard and screen-reader users
 * land where the fix goes. It waits for React to render the new errors.
 *
 *   const { formRef, focusFirstInvalid } = useFocusFirstInvalid();
 *   <form ref={formRef}> ... setErrors(errors); focusFirstInvalid();
 */
export function useFocusFirstInvalid() {
  const formRef = useRef<HTMLFormElement>(null);
  const [request, setRequest] = useState(0);
  useEffect(() => {
    if (request > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [request]);
  const focusFirstInvalid = useCallback(() => setRequest((count) => count + 1), []);
  return { formRef, focusFirstInvalid };
}
