// A person's role on a repository, as the collaborator-permission endpoint tells it.
import type { GitHubApi } from './api.js';

/** Roles that may run `/review` (and, with admin or code ownership, accept a risk). */
export const WRITE_ROLES: ReadonlySet<string> = new Set(['admin', 'maintain', 'write']);

/** `admin`, `maintain`, `write`, `triage`, `read`, or `none` for someone who is not a collaborator. */
export async function permissionOf(api: GitHubApi, repo: { owner: string; repo: string }, username: string): Promise<string> {
  try {
    const res = await api.request<{ permission: string; role_name?: string }>('GET /repos/{owner}/{repo}/collaborators/{username}/permission', {
      owner: repo.owner,
      repo: repo.repo,
      username,
    });
    // role_name tells maintain from write; `permission` folds maintain into write.
    const role = res.data.role_name;
    return role && WRITE_ROLES.has(role) ? role : res.data.permission;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return 'none';
    throw error;
  }
}
