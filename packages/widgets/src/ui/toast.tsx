// The widgets' toasts, for a host app's own messages: the same sonner instance as the <Toaster>
// TenancyProvider renders, so they show up there (a second copy of sonner would not).
export { toast } from "sonner";
